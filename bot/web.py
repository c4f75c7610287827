"""The web application, composed in one place from the routes each package owns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from bot.settings import Settings
from survey.dashboard.auth import SignInLimiter
from survey.dashboard.routes import STATIC_PATH as DASHBOARD_STATIC
from survey.dashboard.routes import router as dashboard_router
from survey.service import open_survey

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(settings: Settings) -> FastAPI:
    survey_config = settings.survey_config()
    app = FastAPI(title="consult", docs_url=None, redoc_url=None)
    app.state.survey_config = survey_config
    app.state.survey = open_survey(survey_config)
    app.state.sign_in_limiter = SignInLimiter(survey_config.sign_in_limit)
    app.add_middleware(
        SessionMiddleware,
        secret_key=survey_config.session_secret,
        session_cookie="consult_session",
        max_age=int(survey_config.session_hours * 3600),
        same_site="strict",
        https_only=settings.environment == "production",
    )

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        if request.url.path.startswith("/dashboard"):
            response.headers["Cache-Control"] = "no-store"
        return response

    app.mount("/static/dashboard", StaticFiles(directory=DASHBOARD_STATIC), name="dashboard-static")
    app.include_router(dashboard_router)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/dashboard")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
