"""What residents wrote in answer to a `text` question, for signed-in officials: the (already redacted) answers,
their themes, and a CSV with one row per answer. Nothing here is ever part of a public output."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from survey.dashboard.exports import safe_cell
from survey.database import Database
from survey.definition import QuestionKind, SurveyDefinition
from survey.hidden import HiddenAnswer, text_digest
from survey.models import Answer, SurveyResponse
from survey.themes import OTHER, Comment, TextEncoder, ThemeCache, Themes, ThemeSettings, find_themes

CSV_COLUMNS = ("response", "channel", "submitted_at", "theme", "hidden", "text")


class CommentsError(ValueError):
    """A question that has no free-text answers to show, explained for the official."""


@dataclass(frozen=True)
class WrittenAnswer:
    reference: str  # opaque and stable, but not the respondent's pseudonym: it cannot link to other data
    channel: str
    submitted_at: dt.datetime
    text: str
    hidden: bool = False  # hidden by an official from theme views; still counted and exported


def text_question(definition: SurveyDefinition, question_id: str) -> None:
    """Raises CommentsError unless question_id is a `text` question of this consultation."""
    kinds = {question.id: question.kind for question in definition.questions}
    if question_id not in kinds:
        raise CommentsError(f"consultation '{definition.id}' has no question '{question_id}'")
    if kinds[question_id] is not QuestionKind.TEXT:
        texts = ", ".join(q for q, kind in kinds.items() if kind is QuestionKind.TEXT) or "none"
        raise CommentsError(f"'{question_id}' is not a text question (text questions: {texts})")


def written_answers(db: Database, definition: SurveyDefinition, question_id: str, pepper: bytes) -> list[WrittenAnswer]:
    """Every answer to the question, oldest first; hidden if an official hid this very text (not an earlier answer)."""
    text_question(definition, question_id)
    hidden = (HiddenAnswer.response_id == SurveyResponse.id) & (HiddenAnswer.question == question_id)
    query = (
        select(
            SurveyResponse.id,
            SurveyResponse.channel,
            SurveyResponse.submitted_at,
            Answer.text,
            HiddenAnswer.text_digest,
        )
        .join(Answer, Answer.response_id == SurveyResponse.id)
        .outerjoin(HiddenAnswer, hidden)
        .where(SurveyResponse.survey_id == definition.id, Answer.question == question_id, Answer.text.is_not(None))
        .order_by(SurveyResponse.submitted_at, SurveyResponse.id)
    )
    with db.read() as session:
        rows = session.execute(query).all()
    return [
        WrittenAnswer(
            response_reference(pepper, definition.id, row.id),
            row.channel,
            _utc(row.submitted_at),
            row.text,
            hidden=row.text_digest == text_digest(row.text),
        )
        for row in rows
    ]


def response_reference(pepper: bytes, survey_id: str, response_id: int) -> str:
    """A keyed hash of the stored response's number: the same in every export, useless outside this database."""
    message = f"response\0{survey_id}\0{response_id}".encode()
    return "r-" + hmac.new(pepper, message, hashlib.sha256).hexdigest()[:16]


def answer_themes(
    answers: Sequence[WrittenAnswer],
    encoder: TextEncoder,
    min_group_size: int,
    cache: ThemeCache | None = None,
    scope: str = "",
    show_progress: bool = False,
) -> Themes:
    """Themes of the answers officials have not hidden; "answered" still counts every answer."""
    comments, settings = theme_inputs(answers, min_group_size)
    themes = find_themes(comments, encoder, settings, cache, scope, show_progress)
    return themes.model_copy(update={"answered": len(answers)})


def theme_inputs(answers: Sequence[WrittenAnswer], min_group_size: int) -> tuple[list[Comment], ThemeSettings]:
    """What themes are computed from (and what their cache key covers): the answers not hidden, and the settings."""
    comments = [Comment(id=answer.reference, text=answer.text) for answer in answers if not answer.hidden]
    return comments, ThemeSettings(min_group_size=min_group_size)


def themes_json(question_id: str, themes: Themes) -> dict[str, Any]:
    """The export's shape: {"question", "answered", "themes": [{"id", "label", "keywords", "count", "share",
    "suppressed", "examples"}]}."""
    fields = ("id", "label", "keywords", "count", "share", "suppressed", "examples")
    return {
        "question": question_id,
        "answered": themes.answered,
        "themes": [theme.model_dump(include=set(fields)) for theme in themes.themes],
    }


def comments_csv(answers: Sequence[WrittenAnswer], themes: Themes | None) -> str:
    """One row per answer: response, channel, submitted_at, theme (its label; empty without themes), hidden, text."""
    labels = {theme.id: theme.label for theme in themes.themes} if themes else {}
    theme_of = themes.theme_of() if themes else {}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for answer in answers:
        theme = labels.get(theme_of.get(answer.reference, OTHER), "") if themes and not answer.hidden else ""
        hidden = "true" if answer.hidden else "false"
        row = (answer.reference, answer.channel, answer.submitted_at.isoformat(), theme, hidden, answer.text)
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
