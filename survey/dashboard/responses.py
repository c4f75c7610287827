"""What the dashboard's routes answer, declared for the OpenAPI description (tag "dashboard"): the media type of
each page and export, and every status a route can give, so schemathesis can hold the application to it."""

from __future__ import annotations

from typing import Any

from fastapi.responses import PlainTextResponse
from pydantic import BaseModel

from survey.dashboard.export_models import ResultsExport

TAGS: list[str | Any] = ["dashboard"]
Responses = dict[int | str, dict[str, Any]]


class CsvResponse(PlainTextResponse):
    media_type = "text/csv"


class ErrorDetail(BaseModel):
    """FastAPI's own body for a refused request (a bad export filter, an expired form, an unknown question)."""

    detail: str


def _redirect(description: str) -> dict[str, Any]:
    location = {"description": "Where to go next", "schema": {"type": "string"}}
    return {"description": description, "headers": {"Location": location}}


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def _error(description: str) -> dict[str, Any]:
    # Inline rather than `model`: FastAPI would file a model under the route's own media type (HTML or CSV).
    return {"description": description, "content": {"application/json": {"schema": ErrorDetail.model_json_schema()}}}


SIGNED_IN_ONLY: Responses = {303: _redirect("Not signed in, or the session has expired: to the sign-in page.")}
FORM_EXPIRED: Responses = {403: _error("The form's CSRF token is missing or does not match its cookie.")}
PAGE_FILTERS: Responses = {400: _html("A filter the page cannot apply (unknown channel, bad or reversed dates).")}
EXPORT_FILTERS: Responses = {400: _error("A filter the export cannot apply (unknown channel, bad or reversed dates).")}

SIGN_IN_PAGE: Responses = {
    200: _html("The sign-in form."),
    303: _redirect("Already signed in: to the dashboard."),
}
SIGN_IN_SUBMIT: Responses = {
    303: _redirect("Signed in: to the dashboard (with a fresh session cookie)."),
    401: _html("The sign-in form again: the name and password do not match an account."),
    429: _html("The sign-in form again: too many failed sign-ins for this name or address."),
    **FORM_EXPIRED,
}
SIGN_OUT: Responses = {303: _redirect("Signed out: to the sign-in page."), **FORM_EXPIRED}
RESULTS_PAGE: Responses = {200: _html("The page."), **SIGNED_IN_ONLY, **PAGE_FILTERS}
EXPORT_JSON: Responses = {
    200: {"description": "The aggregates as JSON (an attachment).", "model": ResultsExport},
    **SIGNED_IN_ONLY,
    **EXPORT_FILTERS,
}
EXPORT_CSV: Responses = {
    200: {"description": "The aggregates as CSV, one row per group, question and option (an attachment)."},
    **SIGNED_IN_ONLY,
    **EXPORT_FILTERS,
}
COMMENTS_PAGE: Responses = {
    200: _html("The page."),
    **SIGNED_IN_ONLY,
    400: _error("A breakdown group the page cannot apply."),
    404: _error("No free-text question with that id."),
}
HIDE_SUBMIT: Responses = {
    303: _redirect("Done: back to the question's page."),
    **SIGNED_IN_ONLY,
    400: _error("No such answer to hide or show, or no reason given."),
    409: _error("The answer was rewritten after the page showed it: nothing was hidden."),
    **FORM_EXPIRED,
}
COMMENTS_CSV: Responses = {
    200: {"description": "The question's redacted answers as CSV (an attachment)."},
    **SIGNED_IN_ONLY,
    404: _error("No free-text question with that id."),
}
