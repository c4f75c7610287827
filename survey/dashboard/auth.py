"""Dashboard sign-in: signed session cookies that expire, CSRF tokens on forms, and a limit on failed sign-ins."""

from __future__ import annotations

import hmac
import secrets
import time

from fastapi import HTTPException, Request, status
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

SIGN_IN_PATH = "/dashboard/sign-in"


class SignInLimiter:
    """Failed sign-ins per name and per client address, in memory only (addresses are never stored or logged)."""

    def __init__(self, limit: str) -> None:
        self._limit = parse(limit)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def blocked(self, name: str, address: str) -> bool:
        return not all(self._limiter.test(self._limit, *key) for key in self._keys(name, address))

    def record_failure(self, name: str, address: str) -> None:
        for key in self._keys(name, address):
            self._limiter.hit(self._limit, *key)

    @staticmethod
    def _keys(name: str, address: str) -> list[tuple[str, str]]:
        return [("name", name.lower()[:80]), ("address", address)]


def sign_in(request: Request, name: str) -> None:
    request.session.clear()  # a fresh session on sign-in: no fixation
    request.session.update({"official": name, "since": int(time.time()), "csrf": secrets.token_urlsafe(32)})


def sign_out(request: Request) -> None:
    request.session.clear()


def current_official(request: Request, max_hours: float) -> str | None:
    official = request.session.get("official")
    since = request.session.get("since", 0)
    if not official or time.time() - since > max_hours * 3600:
        return None
    return str(official)


def require_official(request: Request) -> str:
    """Dependency for every dashboard page: the signed-in name, or a redirect to the sign-in page."""
    official = current_official(request, request.app.state.survey_config.session_hours)
    if official is None:
        sign_out(request)
        raise HTTPException(status.HTTP_303_SEE_OTHER, headers={"Location": SIGN_IN_PATH})
    return official


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def check_csrf(request: Request, submitted: str) -> None:
    expected = request.session.get("csrf") or ""
    if not expected or not hmac.compare_digest(str(expected), submitted):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "The form has expired; reload the page and try again.")
