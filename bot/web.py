"""The web application, composed in one place from the routes each package owns: the officials' dashboard (survey)
and the chat widget, its API and the quoted-passage pages (bot)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from bot.allowed_methods import allow_every_method
from bot.body_limit import BodyLimit
from bot.chat.routes import STATIC_PATH as CHAT_STATIC
from bot.chat.routes import WIDGET_VERSION, ChatService
from bot.chat.routes import router as chat_router
from bot.chat.sessions import ChatSessions
from bot.conversations import ConversationHistory
from bot.relay import RasaRelay
from bot.settings import Settings
from index.loading import load_documents
from survey.dashboard.auth import SignInLimiter, protect_forms
from survey.dashboard.deps import Dashboard, provide_dashboard
from survey.dashboard.routes import PAGES as DASHBOARD_PAGES
from survey.dashboard.routes import STATIC_PATH as DASHBOARD_STATIC
from survey.dashboard.routes import error_page
from survey.dashboard.routes import router as dashboard_router
from survey.service import open_survey

log = structlog.get_logger(__name__)
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
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",  # browsers ignore it over plain HTTP
}


def secure(request: Request, response: Response) -> Response:
    """The security and caching headers every response carries, error responses included."""
    for header, value in SECURITY_HEADERS.items():
        response.headers.setdefault(header, value)
    path = request.url.path
    if path.startswith(("/dashboard", "/api/")):
        response.headers["Cache-Control"] = "no-store"
    elif path.startswith(f"/widget/{WIDGET_VERSION}/"):
        response.headers["Cache-Control"] = "public, max-age=3600"
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"  # embeddable by other sites
    return response


def create_app(settings: Settings) -> FastAPI:
    survey_config = settings.survey_config()
    try:
        documents = load_documents(settings.data_dir / "index")
    except (FileNotFoundError, NotADirectoryError):
        log.warning("index_missing_for_source_pages")
        documents = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        relay = RasaRelay(
            settings.rasa_urls,
            ConversationHistory(settings.resolved_tracker_store_url()),
            rasa_token=settings.rasa_token.get_secret_value() if settings.rasa_token else None,
        )
        app.state.chat = ChatService(
            relay=relay,
            sessions=ChatSessions(settings.chat_secret(), int(settings.chat_session_hours * 3600)),
            pepper=settings.resolved_pepper(),
            documents=documents,
            per_session=settings.chat_limit_session,
            per_address=settings.chat_limit_address,
        )
        yield
        await relay.close()

    app = FastAPI(title="consult", version="1", docs_url=None, redoc_url=None, lifespan=lifespan)
    survey = open_survey(survey_config)
    provide_dashboard(app, Dashboard(survey, survey_config.session_hours, SignInLimiter(survey_config.sign_in_limit)))
    app.state.survey = survey  # the chat's survey links (bot/chat/routes.py) still read it here
    protect_forms(app, survey_config.session_secret, https_only=settings.environment == "production")
    app.add_middleware(BodyLimit)
    app.add_middleware(
        SessionMiddleware,
        secret_key=survey_config.session_secret,
        session_cookie="consult_session",
        max_age=int(survey_config.session_hours * 3600),
        same_site="strict",
        https_only=settings.environment == "production",
    )
    # The widget may be embedded only by the configured origins (the API uses no cookies: the token is in the body).
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.widget_origin_list,
        allow_methods=["POST"],
        allow_headers=["Content-Type"],
        allow_credentials=False,
        max_age=600,
    )

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        return secure(request, await call_next(request))

    @app.exception_handler(Exception)
    async def server_error(request: Request, error: Exception) -> Response:
        """Starlette answers an unhandled error outside every middleware, so its 500 gets the headers here (the
        error is raised again afterwards, so the server still logs it)."""
        return secure(request, PlainTextResponse("Internal Server Error", status_code=500))

    app.mount("/static/dashboard", StaticFiles(directory=DASHBOARD_STATIC), name="dashboard-static")
    app.mount(
        f"/widget/{WIDGET_VERSION}", StaticFiles(directory=CHAT_STATIC / "widget" / WIDGET_VERSION), name="widget"
    )
    app.mount("/static/chat", StaticFiles(directory=CHAT_STATIC), name="chat-static")
    app.include_router(dashboard_router)
    app.include_router(chat_router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 400 and request.url.path in DASHBOARD_PAGES:
            return error_page(request, str(error.detail), 400)
        if error.status_code == 400 and request.url.path.startswith("/api/"):  # e.g. a body that is not JSON
            return JSONResponse({"error": "The request body is not valid JSON.", "code": "invalid_request"}, 400)
        if error.status_code == 405:
            return allow_every_method(request, await http_exception_handler(request, error))
        return await http_exception_handler(request, error)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        """The chat API answers bad requests in its own error format (documented in its OpenAPI description)."""
        if not request.url.path.startswith("/api/"):
            return await request_validation_exception_handler(request, error)
        first = error.errors()[0] if error.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
        message = f"{where}: {first.get('msg')}" if where else str(first.get("msg"))
        return JSONResponse({"error": message, "code": "invalid_request"}, status_code=422)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
