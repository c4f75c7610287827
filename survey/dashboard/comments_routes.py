"""The "What residents wrote" page of a text question, for signed-in officials: the redacted answers, searchable and
paginated, filterable by a breakdown answer (a group smaller than min_group_size is not shown), a form to hide an
answer from theme views with a reason (refused if the answer was rewritten after the page showed it), and the comments
CSV. Themes (a chart, each theme's examples and answers) are read from the cache `consult survey themes` fills; the
page never computes them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from survey.comment_breakdown import writer_groups
from survey.comments import CommentsError, WrittenAnswer, comments_csv, written_answers
from survey.comments_cache import stored_themes, theme_cache, themes_scope
from survey.dashboard import responses
from survey.dashboard.auth import SignedInOfficial, csrf_token
from survey.dashboard.comments_themes import themes_panel
from survey.dashboard.deps import SurveyDep
from survey.dashboard.responses import CsvResponse
from survey.hidden import text_digest
from survey.moderation import AnswerChangedError, hide_answer, show_answer
from survey.service import Survey
from survey.themes import Theme

PAGE_SIZE = 25
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(prefix="/comments")  # inside the dashboard's router: /dashboard/comments/...


@dataclass(frozen=True)
class Selection:
    answers: list[WrittenAnswer]
    withheld: bool  # the chosen group is too small to show


@router.get("/{question_id}", response_class=HTMLResponse, responses=responses.COMMENTS_PAGE)
def comments_page(
    request: Request,
    official: SignedInOfficial,
    survey: SurveyDep,
    question_id: str,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    group: Annotated[str, Query(max_length=90)] = "",  # "<breakdown question>:<option>"
    theme: Annotated[str, Query(max_length=40)] = "",  # a theme's id: its answers only
) -> Response:
    all_answers = _answers(survey, question_id)
    panel = themes_panel(survey, question_id, all_answers)
    chosen = panel.chosen(theme) if theme else None
    selection = _select(survey, _in_theme(all_answers, chosen, theme), group)
    found = [a for a in selection.answers if q.casefold() in a.text.casefold()]
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(page, pages)
    shown = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    context = {
        "survey": {"title": survey.definition.title},
        "official": official,
        "csrf": csrf_token(request),
        "question": next(x for x in survey.definition.questions if x.id == question_id),
        "answered": len(all_answers),
        "hidden": sum(a.hidden for a in all_answers),
        "shown": shown,
        "digest_of": {answer.reference: text_digest(answer.text) for answer in shown},  # the hide form names the text
        "found": len(found),
        "withheld": selection.withheld,
        "page": page,
        "pages": pages,
        "q": q,
        "group": group,
        "panel": panel,
        "theme": chosen,
        "theme_missing": bool(theme) and chosen is None,
        "breakdowns": [
            (x.id, x.prompt, [(o.id, o.label) for o in x.options]) for x in survey.definition.breakdown_questions()
        ],
        "min_group_size": survey.definition.min_group_size,
    }
    return templates.TemplateResponse(request, "comments.html", context)


@router.post("/{question_id}/hide", status_code=303, response_class=RedirectResponse, responses=responses.HIDE_SUBMIT)
def hide_submit(
    official: SignedInOfficial,
    survey: SurveyDep,
    question_id: str,
    response: Annotated[str, Form(max_length=40)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
    undo: Annotated[str, Form(max_length=5)] = "",
    shown_digest: Annotated[str, Form(max_length=64)] = "",  # of the text the page showed: only that text is hidden
    csrf: Annotated[str, Form(max_length=200)] = "",  # checked by protect_forms; declared for the API description
) -> Response:
    try:
        if undo:
            show_answer(survey.db, survey.definition, question_id, response, survey.pepper)
        else:
            hide_answer(
                survey.db, survey.definition, question_id, response, reason, official, survey.pepper, read=shown_digest
            )
    except AnswerChangedError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from None
    except CommentsError as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(error)) from None
    return RedirectResponse(f"/dashboard/comments/{question_id}", status.HTTP_303_SEE_OTHER)


@router.get("/{question_id}/comments.csv", response_class=CsvResponse, responses=responses.COMMENTS_CSV)
def comments_download(_official: SignedInOfficial, survey: SurveyDep, question_id: str) -> Response:
    answers = _answers(survey, question_id)
    scope = themes_scope(survey.definition.id, question_id)
    themes = stored_themes(answers, survey.definition.min_group_size, theme_cache(survey), scope).themes
    return Response(
        comments_csv(answers, themes),  # the theme column filled while the cached themes are fresh
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{question_id}-comments.csv"'},
    )


def _answers(survey: Survey, question_id: str) -> list[WrittenAnswer]:
    try:
        return written_answers(survey.db, survey.definition, question_id, survey.pepper)
    except CommentsError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from None


def _in_theme(answers: list[WrittenAnswer], theme: Theme | None, asked: str) -> list[WrittenAnswer]:
    """The answers of the chosen theme; none for a theme too small to show or one no longer there (stale link)."""
    if not asked:
        return answers
    if theme is None or theme.suppressed:
        return []
    members = set(theme.answer_ids)
    return [answer for answer in answers if answer.reference in members]


def _select(survey: Survey, answers: list[WrittenAnswer], choice: str) -> Selection:
    by, _, group = choice.partition(":")
    if not by or not group:
        return Selection(answers, withheld=False)
    try:
        group_of = writer_groups(survey.db, survey.definition, by, survey.pepper)
    except CommentsError as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(error)) from None
    chosen = [a for a in answers if group_of.get(a.reference) == group]
    if len(chosen) < survey.definition.min_group_size:
        return Selection([], withheld=True)
    return Selection(chosen, withheld=False)
