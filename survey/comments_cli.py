"""`consult survey themes QUESTION_ID` and `consult survey comments QUESTION_ID`: what residents wrote."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from survey.comment_breakdown import theme_breakdown
from survey.comments import (
    CommentsError,
    WrittenAnswer,
    answer_themes,
    comments_csv,
    themes_json,
    written_answers,
)
from survey.comments_cache import stored_themes, theme_cache, themes_scope
from survey.consultations import consultation_ids, load_consultation
from survey.definition import SurveyDefinition
from survey.hidden import text_digest
from survey.moderation import answer_text, check_note, hide_answer, show_answer
from survey.service import Survey
from survey.themes import TextEncoder, Themes

OpenSurvey = Callable[[typer.Context], Survey]  # from the settings on the command's context
MODEL_HELP = "The sentence-transformers model that groups answers (default: all-MiniLM-L6-v2, shipped offline)."
SURVEY_HELP = "A consultation this database has served (default: the current)."


def add_comment_commands(app: typer.Typer, open_survey: OpenSurvey) -> None:
    @app.command("themes")
    def themes_command(
        ctx: typer.Context,
        question_id: Annotated[str, typer.Argument(help="A text question's id.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
        survey_id: Annotated[str | None, typer.Option("--survey", help=SURVEY_HELP)] = None,
        model: Annotated[str | None, typer.Option(help=MODEL_HELP)] = None,
        by: Annotated[
            str | None, typer.Option(help="Also count themes per group of a breakdown question or channel.")
        ] = None,
    ) -> None:
        """Themes of the answers to a text question (themes smaller than min_group_size show no examples).

        Example: consult survey themes QUESTION_ID --by BREAKDOWN_QUESTION_ID --json
        """
        survey = open_survey(ctx)
        definition = _definition(survey, survey_id)
        answers = _answers(survey, definition, question_id)
        themes = _themes(survey, definition, question_id, answers, model)
        exported = themes_json(question_id, themes)
        if by is not None:
            try:
                exported["by"] = theme_breakdown(survey.db, definition, answers, themes, by, survey.pepper)
            except CommentsError as error:
                raise _fail(str(error)) from None
        if as_json:
            typer.echo(json.dumps(exported))
            return
        _print_themes(exported)

    @app.command("comments")
    def comments_command(
        ctx: typer.Context,
        question_id: Annotated[str, typer.Argument(help="A text question's id.")],
        as_csv: Annotated[bool, typer.Option("--csv", help="Write CSV (the only format so far).")] = True,
        with_themes: Annotated[bool, typer.Option("--themes/--no-themes", help="Fill the theme column.")] = True,
        survey_id: Annotated[str | None, typer.Option("--survey", help=SURVEY_HELP)] = None,
        model: Annotated[str | None, typer.Option(help=MODEL_HELP)] = None,
    ) -> None:
        """Every answer to a text question as CSV: response, channel, submitted_at, theme, hidden, text.

        Example: consult survey comments comment --csv > comments.csv
        """
        survey = open_survey(ctx)
        definition = _definition(survey, survey_id)
        answers = _answers(survey, definition, question_id)
        themes = _themes(survey, definition, question_id, answers, model) if with_themes and answers else None
        sys.stdout.write(comments_csv(answers, themes))


def _print_themes(exported: dict[str, Any]) -> None:
    typer.echo(f"{exported['question']}: {exported['answered']} answers")
    labels = {theme["id"]: theme["label"] for theme in exported["themes"]}
    for theme in exported["themes"]:
        count = "fewer than min_group_size" if theme["suppressed"] else f"{theme['count']} ({theme['share']:.0%})"
        typer.echo(f"\n{theme['label']} - {count}\n  keywords: {', '.join(theme['keywords'])}")
        for example in theme["examples"]:
            typer.echo(f"  > {example}")
    if "by" in exported:
        typer.echo(f"\nBy {exported['by']['question']}:")
        for group, figures in exported["by"]["groups"].items():
            if figures["suppressed"]:
                typer.echo(f"  {group}: suppressed (small group)")
                continue
            counts = ", ".join(
                f"{labels.get(t, t)} {n}" for t, n in sorted(figures["themes"].items(), key=lambda i: -i[1])
            )
            typer.echo(f"  {group}: {figures['answered']} answers - {counts}")


def add_moderation_commands(app: typer.Typer, open_survey: OpenSurvey) -> None:
    @app.command("hide")
    def hide_command(
        ctx: typer.Context,
        question_id: Annotated[str, typer.Argument(help="A text question's id.")],
        response: Annotated[str, typer.Argument(help="The answer's reference, as in the comments CSV.")],
        reason: Annotated[str, typer.Option(help="Why it is hidden (kept with the answer).")] = "",
        official: Annotated[str, typer.Option(help="Who hides it: your dashboard sign-in name.")] = "",
        undo: Annotated[bool, typer.Option("--undo", help="Show a hidden answer again.")] = False,
        shown_digest: Annotated[
            str,
            typer.Option(
                help="SHA-256 (hex) of the answer's text as you read it, for scripts: no question is asked, and the "
                "answer is hidden only if its text is still that one."
            ),
        ] = "",
    ) -> None:
        """Hide an abusive or irrelevant answer from theme views (still counted and exported, flagged hidden).

        The answer's current text is shown and you are asked to confirm: what is hidden is the text you confirmed, and
        nothing is hidden if the resident rewrites the answer meanwhile.

        Example: consult survey hide comment r-3f2a9c0d11e4b6a7 --reason "abusive" --official j.smith
        """
        survey = open_survey(ctx)
        try:
            if undo:
                show_answer(survey.db, survey.definition, question_id, response, survey.pepper)
            else:
                check_note(reason, official)  # before the question: a hide that would be refused asks nothing
                read = shown_digest or _confirmed_digest(survey, question_id, response)
                hide_answer(
                    survey.db, survey.definition, question_id, response, reason, official, survey.pepper, read=read
                )
        except CommentsError as error:
            raise _fail(str(error)) from None
        typer.echo(f"{'Shown' if undo else 'Hidden'}: {response}.")


def _confirmed_digest(survey: Survey, question_id: str, response: str) -> str:
    """The digest of the answer's text once the official has read it and confirmed; exits if they do not."""
    text = answer_text(survey.db, survey.definition, question_id, response, survey.pepper)
    typer.echo(f"Answer {response}:\n  {text}")
    typer.confirm("Hide this answer?", abort=True)
    return text_digest(text)


def _definition(survey: Survey, survey_id: str | None) -> SurveyDefinition:
    if survey_id is None or survey_id == survey.definition.id:
        return survey.definition
    stored = load_consultation(survey.db, survey_id)
    if stored is None:
        known = ", ".join(consultation_ids(survey.db)) or "none"
        raise _fail(f"this database has not served a consultation '{survey_id}' (it has: {known})")
    return stored


def _answers(survey: Survey, definition: SurveyDefinition, question_id: str) -> list[WrittenAnswer]:
    try:
        return written_answers(survey.db, definition, question_id, survey.pepper)
    except CommentsError as error:
        raise _fail(str(error)) from None


def _themes(
    survey: Survey, definition: SurveyDefinition, question_id: str, answers: list[WrittenAnswer], model: str | None
) -> Themes:
    """The cached themes while the answers are unchanged (the model is not even loaded); else computed and cached."""
    cache, scope = theme_cache(survey), themes_scope(definition.id, question_id)
    stored = stored_themes(answers, definition.min_group_size, cache, scope, model)
    if stored.themes is not None and stored.computed_at is not None:
        computed = f"{stored.computed_at:%Y-%m-%d %H:%M} UTC"
        typer.echo(f"Themes as computed at {computed}: the answers are unchanged.", err=True)
        return stored.themes
    themes = answer_themes(
        answers, _encoder(model), definition.min_group_size, cache, scope, show_progress=sys.stderr.isatty()
    )
    typer.echo(f"Themes computed from {len(answers)} answers{' and cached' if cache else ''}.", err=True)
    return themes


def _encoder(model: str | None) -> TextEncoder:
    from index.embedding import DEFAULT_MODEL
    from survey.themes.encoder import AnswerEncoder  # slow import: only when answers are themed

    return AnswerEncoder(model or DEFAULT_MODEL)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=2)
