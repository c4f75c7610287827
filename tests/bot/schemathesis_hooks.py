"""schemathesis hooks for tests/bot/test_openapi.py (loaded through SCHEMATHESIS_HOOKS): generated chat messages carry
a valid session token, so fuzzing reaches the assistant instead of stopping at the session check; dashboard requests
carry a signed-in official's session cookie and its CSRF token, so fuzzing reaches the pages, exports and forms
instead of stopping at the sign-in redirect. The test signs in and passes what it got through the environment."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any

import schemathesis
from schemathesis.auths import AuthContext
from schemathesis.generation.case import Case

from survey.dashboard.auth import CSRF_COOKIE

TOKENS = [token for token in os.environ.get("CONSULT_TEST_TOKENS", "").split(",") if token]
SESSION_COOKIE = os.environ.get("CONSULT_TEST_SESSION_COOKIE", "")
CSRF = os.environ.get("CONSULT_TEST_CSRF", "")
# The free-text questions' ids: a generated id almost never names one, and the comments pages would only ever 404.
QUESTIONS = [question for question in os.environ.get("CONSULT_TEST_QUESTIONS", "").split(",") if question]
MAX_CSRF = 200  # the forms' declared limit: a longer token is a deliberately invalid one (negative testing)


def _pick(value: object, choices: list[str]) -> str:
    """One of `choices`, chosen from the generated value so a run is reproducible with its seed."""
    return choices[int(hashlib.sha256(repr(value).encode()).hexdigest(), 16) % len(choices)]


@schemathesis.hook
def map_body(context: schemathesis.HookContext, body: Any) -> Any:
    operation = context.operation
    if operation is None or operation.path != "/api/chat/message" or not isinstance(body, dict) or not TOKENS:
        return body
    token = body.get("token")
    if not isinstance(token, str) or not 1 <= len(token) <= 500:
        return body  # a deliberately invalid token (negative testing) must stay invalid
    # Spread over several sessions (the per-session rate limit).
    return {**body, "token": _pick(sorted(body.items(), key=str), TOKENS)}


@schemathesis.hook
def map_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
) -> dict[str, Any] | None:
    question = (path_parameters or {}).get("question_id")
    if not QUESTIONS or not isinstance(question, str) or _pick(question, ["keep", "replace"]) == "keep":
        return path_parameters  # half the cases keep the generated id: an unknown question must get a clean 404
    return {**(path_parameters or {}), "question_id": _pick(question, QUESTIONS)}


@dataclass(frozen=True)
class SignedIn:
    cookie: str
    csrf: str


class OfficialSession:
    """The signed-in official's session cookie on every dashboard request, and its CSRF token in every form that
    sends one (a missing or over-long token is left as generated: the 403 and 422 answers are tested too)."""

    def get(self, case: Case[Any], context: AuthContext) -> SignedIn:
        return SignedIn(SESSION_COOKIE, CSRF)

    def set(self, case: Case[Any], data: SignedIn, context: AuthContext) -> None:
        # The CSRF token is also the cookie's value (asgi-csrf's signed double-submit cookie).
        case.headers["Cookie"] = f"consult_session={data.cookie}; {CSRF_COOKIE}={data.csrf}"
        body = case.body
        csrf = body.get("csrf") if isinstance(body, dict) else None
        if isinstance(body, dict) and isinstance(csrf, str) and len(csrf) <= MAX_CSRF:
            case.body = {**body, "csrf": data.csrf}


if SESSION_COOKIE:  # else a visitor who has not signed in
    # 401 is a wrong password on the sign-in form, not an expired session: no re-fetch on it.
    schemathesis.auth(refresh_interval=None, retry_on=[]).apply_to(path_regex="^/dashboard")(OfficialSession)
