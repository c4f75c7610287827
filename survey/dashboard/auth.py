"""Dashboard sign-in: signed session cookies that expire, CSRF tokens on every unsafe request (asgi-csrf), and a limit
on failed sign-ins."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from asgi_csrf import asgi_csrf_decorator  # type: ignore[import-untyped]
from fastapi import Depends, FastAPI, HTTPException, Request, Response, status
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from survey.dashboard.deps import DashboardDep

DASHBOARD_PATH = "/dashboard"
SIGN_IN_PATH = "/dashboard/sign-in"
CSRF_FIELD = "csrf"  # the hidden field of every dashboard form
CSRF_COOKIE = "consult_csrf"
FORM_EXPIRED = "The form has expired; reload the page and try again."
# Methods that change nothing (asgi-csrf's list too): every other method on a dashboard route needs its form's token.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_CHECKED = "consult.csrf_checked"  # scope key: whether a request got past the check


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


def renew_form_token(response: Response) -> Response:
    """Sign-in and sign-out end the forms' token too (asgi-csrf's token is not part of the session): the next page
    gets a new one, so a token seen before either is worthless after it."""
    response.delete_cookie(CSRF_COOKIE, path=DASHBOARD_PATH)
    return response


def sign_in(request: Request, name: str) -> None:
    request.session.clear()  # a fresh session on sign-in: no fixation
    request.session.update({"official": name, "since": int(time.time())})


def sign_out(request: Request) -> None:
    request.session.clear()


def current_official(request: Request, max_hours: float) -> str | None:
    official = request.session.get("official")
    since = request.session.get("since", 0)
    if not official or time.time() - since > max_hours * 3600:
        return None
    return str(official)


def require_official(request: Request, dashboard: DashboardDep) -> str:
    """Dependency for every dashboard page: the signed-in name, or a redirect to the sign-in page."""
    official = current_official(request, dashboard.session_hours)
    if official is None:
        sign_out(request)
        raise HTTPException(status.HTTP_303_SEE_OTHER, headers={"Location": SIGN_IN_PATH})
    return official


# The name of the official signed in (not the stored account, survey.models.Official): what a dashboard route asks for
SignedInOfficial = Annotated[str, Depends(require_official)]


def protect_forms(app: FastAPI, secret: str, https_only: bool) -> None:
    """Every unsafe request (POST, PUT, PATCH, DELETE, ...) to a dashboard route must carry the token of its form
    (asgi-csrf: a signed cookie that the form repeats), or it is refused with 403 before the route runs. This is the
    default, not a list to keep: a route added later is checked too. No dashboard path is exempt: every unsafe route
    is a form, and there is no JSON API that would need another defence (the exports are GET; the chat API lives
    outside /dashboard and uses no cookies, so it is left alone). Sign-in is checked even without cookies (no forged
    sign-in); another form posted without any cookie reaches its route, which sends the visitor to sign in (without
    a session a forged request can do nothing). Add it before the body limit: it reads a form's whole body."""
    app.add_middleware(_CsrfMiddleware, secret=secret, https_only=https_only)


def csrf_token(request: Request) -> str:
    """The token for a form on this page (asgi-csrf sets its cookie on the response)."""
    make_token: Callable[[], str] = request.scope["csrftoken"]
    return make_token()


async def _form_expired(scope: Scope, send: Send, reason: Any) -> None:
    """The same 403 body as any refused dashboard request (FastAPI's), as the OpenAPI description declares."""
    body = json.dumps({"detail": FORM_EXPIRED}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status.HTTP_403_FORBIDDEN, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@dataclass
class _Checked:
    passed: bool = False  # the check let the request through to the application


class _CsrfMiddleware:
    """asgi-csrf for the dashboard's paths only: the rest of the application never pays for it."""

    def __init__(self, app: ASGIApp, secret: str, https_only: bool) -> None:
        self.app = app
        self.protected: ASGIApp = asgi_csrf_decorator(
            cookie_name=CSRF_COOKIE,
            form_input=CSRF_FIELD,
            signing_secret=secret,
            always_protect={SIGN_IN_PATH},
            cookie_path=DASHBOARD_PATH,
            cookie_secure=https_only,
            cookie_samesite="Strict",
            send_csrf_failed=_form_expired,
        )(self._after_check)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _checked_here(scope):
            await self.app(scope, receive, send)
            return
        checked = _Checked()
        try:
            await self.protected({**scope, "headers": _without_bearer(scope), _CHECKED: checked}, receive, send)
        except Exception:
            # asgi-csrf 0.11 raises on some bodies it cannot read (a token with non-ASCII characters, multipart
            # without a boundary): such a form carries no valid token, so it is refused like one without any.
            if checked.passed:
                raise  # the application's own error
            await _form_expired(scope, send, None)

    async def _after_check(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[_CHECKED].passed = True
        await self.app(scope, receive, send)


def _checked_here(scope: Scope) -> bool:
    """A dashboard page (GET, HEAD: its forms get their token) or an unsafe request to the dashboard, unless no route
    takes its method there: the router answers that 405 (with the methods it does take) and no route's code runs."""
    if scope["type"] != "http" or not _on_dashboard(str(scope["path"])):
        return False
    method = str(scope["method"])
    if method in SAFE_METHODS:
        return method in {"GET", "HEAD"}
    return not _method_not_allowed(scope)


def _on_dashboard(path: str) -> bool:
    return path == DASHBOARD_PATH or path.startswith(DASHBOARD_PATH + "/")


def _method_not_allowed(scope: Scope) -> bool:
    """The router's own test for a 405: a route serves this path, but none with this method (Starlette's PARTIAL
    match). Anything else (a route that takes the method, a path no route serves, a mounted application) is checked:
    refusing by mistake is the safe error."""
    matches = {route.matches(scope)[0] for route in scope["app"].routes}
    return Match.FULL not in matches and Match.PARTIAL in matches


def _without_bearer(scope: Scope) -> list[tuple[bytes, bytes]]:
    """asgi-csrf lets any request with `Authorization: Bearer` skip the check; the dashboard signs in with cookies
    only, so the header is dropped rather than allowed to stand in for a form's token."""
    return [(name, value) for name, value in scope["headers"] if name.lower() != b"authorization"]
