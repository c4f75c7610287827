"""Dashboard pages. Only aggregates reach these pages; what residents wrote is on survey/dashboard/comments_routes.py's
pages, for signed-in officials only."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from survey.dashboard import responses
from survey.dashboard.auth import (
    SignedInOfficial,
    csrf_token,
    current_official,
    renew_form_token,
    sign_in,
    sign_out,
)
from survey.dashboard.comments_routes import router as comments_router
from survey.dashboard.deps import DashboardDep, SurveyDep
from survey.dashboard.export_models import ResultsExport
from survey.dashboard.exports import results_csv
from survey.dashboard.responses import TAGS, CsvResponse
from survey.dashboard.views import breakdown_views, charts_json, question_views
from survey.definition import QuestionKind
from survey.officials import verify_official
from survey.results import Filters, breakdown_choices, channels, compute_results, responses_per_week
from survey.service import Survey

STATIC_PATH = Path(__file__).parent / "static"
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(prefix="/dashboard", tags=TAGS)
router.include_router(comments_router)


# Declared as a date or empty (the filter form sends a blank field); read as text so a bad date gets the dashboard's
# own 400 page rather than a validation error.
DATE_FILTER: dict[str, Any] = {
    "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}],
    "description": "A date like 2026-03-01 (inclusive); empty for no limit.",
}


def get_filters(
    survey: SurveyDep,
    channel: Annotated[str | None, Query(max_length=20)] = None,
    since: Annotated[str | None, Query(max_length=10, json_schema_extra=DATE_FILTER)] = None,
    until: Annotated[str | None, Query(max_length=10, json_schema_extra=DATE_FILTER)] = None,
) -> Filters:
    if channel and channel not in (known := channels(survey.db, survey.definition)):
        # Refused rather than ignored: showing every channel under a mistyped or stale filter would mislead.
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            f"No responses came through channel {channel!r}; choose one of: {', '.join(known) or 'none yet'}",
        )
    filters = Filters(channel or None, _date(since, "since"), _date(until, "until"))
    if filters.since and filters.until and filters.since > filters.until:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "'since' must not be after 'until'")
    return filters


FiltersDep = Annotated[Filters, Depends(get_filters)]


@router.get("/sign-in", response_class=HTMLResponse, responses=responses.SIGN_IN_PAGE)
def sign_in_page(request: Request, dashboard: DashboardDep) -> Response:
    if current_official(request, dashboard.session_hours):
        return RedirectResponse("/dashboard", status.HTTP_303_SEE_OTHER)
    return templates.TemplateResponse(request, "sign_in.html", {"csrf": csrf_token(request), "error": None})


@router.post("/sign-in", status_code=303, response_class=RedirectResponse, responses=responses.SIGN_IN_SUBMIT)
def sign_in_submit(
    request: Request,
    dashboard: DashboardDep,
    name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",  # checked by protect_forms; declared for the API description
) -> Response:
    limiter = dashboard.sign_in_limiter
    address = request.client.host if request.client else "unknown"
    if limiter.blocked(name, address):
        return _sign_in_error(request, "Too many failed sign-ins. Wait 15 minutes and try again.", 429)
    if not verify_official(dashboard.survey.db, name, password):
        limiter.record_failure(name, address)
        return _sign_in_error(request, "That name and password do not match an account.", 401)
    sign_in(request, name)
    return renew_form_token(RedirectResponse("/dashboard", status.HTTP_303_SEE_OTHER))


@router.post("/sign-out", status_code=303, response_class=RedirectResponse, responses=responses.SIGN_OUT)
def sign_out_submit(
    request: Request, _official: SignedInOfficial, csrf: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    sign_out(request)  # the form's token was checked by protect_forms
    return renew_form_token(RedirectResponse("/dashboard/sign-in", status.HTTP_303_SEE_OTHER))


@router.get("", response_class=HTMLResponse, responses=responses.RESULTS_PAGE)
def dashboard_page(request: Request, official: SignedInOfficial, survey: SurveyDep, filters: FiltersDep) -> Response:
    context = _view(survey, filters)
    context |= {"official": official, "csrf": csrf_token(request), "channels": channels(survey.db, survey.definition)}
    context["text_questions"] = [q.id for q in survey.definition.questions if q.kind is QuestionKind.TEXT]
    return templates.TemplateResponse(request, "dashboard.html", context)


@router.get("/report", response_class=HTMLResponse, responses=responses.RESULTS_PAGE)
def report_page(request: Request, _official: SignedInOfficial, survey: SurveyDep, filters: FiltersDep) -> Response:
    return templates.TemplateResponse(request, "report.html", _view(survey, filters))


@router.get("/export.json", responses=responses.EXPORT_JSON)
def export_json(_official: SignedInOfficial, survey: SurveyDep, filters: FiltersDep) -> Response:
    view = _view(survey, filters)
    body = {
        key: view[key] for key in ("survey", "generated_at", "filters", "withheld", "overall", "breakdowns", "weeks")
    }
    ResultsExport.model_validate(body)  # the body is what the OpenAPI description promises, or a loud error
    return JSONResponse(body, headers={"Content-Disposition": 'attachment; filename="results.json"'})


@router.get("/export.csv", response_class=CsvResponse, responses=responses.EXPORT_CSV)
def export_csv(_official: SignedInOfficial, survey: SurveyDep, filters: FiltersDep) -> Response:
    view = _view(survey, filters)
    sections = {} if view["withheld"] else {"all": view["overall"], **view["breakdowns"]}
    return Response(
        results_csv(survey.definition, sections),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="results.csv"'},
    )


def _view(survey: Survey, filters: Filters) -> dict[str, Any]:
    """Everything a page or export shows. A filtered selection smaller than the minimum group size is withheld
    whole: otherwise a narrow date range could single out one resident's answers."""
    definition = survey.definition
    overall = compute_results(survey.db, definition, filters=filters)
    withheld = filters.active and overall["respondents"] < definition.min_group_size
    breakdowns = (
        {}
        if withheld
        else {by: compute_results(survey.db, definition, by, filters) for by in breakdown_choices(definition)}
    )
    weeks = [] if withheld else responses_per_week(survey.db, definition, filters)
    questions = [] if withheld else question_views(definition, overall)
    return {
        "survey": {"id": definition.id, "title": definition.title, "min_group_size": definition.min_group_size},
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "filters": {"channel": filters.channel, "since": _iso(filters.since), "until": _iso(filters.until)},
        "withheld": withheld,
        "overall": None if withheld else overall,
        "breakdowns": breakdowns,
        "weeks": weeks,
        "questions": questions,
        "breakdown_views": breakdown_views(definition, breakdowns),
        "chart_data": _script_json({"questions": charts_json(questions), "weeks": weeks} if not withheld else {}),
    }


PAGES = ("/dashboard", "/dashboard/report")  # pages an official reads (the exports are for programs)


def error_page(request: Request, message: str, code: int) -> Response:
    """A filter the pages cannot apply (a hand-edited address) is explained on a page, not in JSON."""
    return templates.TemplateResponse(request, "error.html", {"message": message, "survey": None}, status_code=code)


def _sign_in_error(request: Request, message: str, code: int) -> Response:
    return templates.TemplateResponse(
        request, "sign_in.html", {"csrf": csrf_token(request), "error": message}, status_code=code
    )


def _date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"'{name}' must be a date like 2026-03-01") from None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _script_json(value: object) -> str:
    """JSON safe inside a <script> element: no '<', so no '</script>' can end it early."""
    return json.dumps(value).replace("<", "\\u003c")
