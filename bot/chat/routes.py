"""The chat API (the widget's only server), the quoted-passage pages and the demo page."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlparse

import structlog
from cachetools import TTLCache
from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from bot.chat.models import (
    ButtonOut,
    CitationOut,
    ErrorOut,
    MessageIn,
    MessageOut,
    ReplyOut,
    SessionOut,
    WidgetOut,
)
from bot.chat.replays import Replays
from bot.chat.sessions import ChatSessions
from bot.relay import RasaRelay, RelayUnavailableError, passage_link
from bot.reply_payload import Citation, Reply
from index.answer import attribution
from knowledge.documents import Document
from survey.definition import SurveyDefinition
from survey.pseudonyms import sender_id_of_resident

WIDGET_VERSION = "v1"
STATIC_PATH = Path(__file__).parent / "static"
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter()
log = structlog.get_logger(__name__)
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut},
    401: {"model": ErrorOut},
    422: {"model": ErrorOut},
    429: {"model": ErrorOut},
    503: {"model": ErrorOut},
}


@dataclass
class ChatService:
    relay: RasaRelay
    sessions: ChatSessions
    pepper: bytes
    documents: dict[str, Document]
    per_session: str = "30/minute"
    per_address: str = "120/minute"

    def __post_init__(self) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._failed: TTLCache[str, bool] = TTLCache(maxsize=100_000, ttl=3600)  # messages counted, not yet answered
        self.replays = Replays()

    def allow(self, scope: str, key: str, limit: str) -> bool:
        # Addresses are only ever held hashed, in memory, for the rate-limit window.
        hashed = hashlib.sha256(f"{scope}\x1f{key}".encode()).hexdigest()[:32]
        return self._limiter.hit(parse(limit), scope, hashed)

    def allow_message(self, sid: str, message_id: str | None, text: str) -> bool:
        """Whether the session may send this message. A message counts against the session's allowance once: the
        widget's retries of it (same id and text) after a failed attempt, while the assistant restarts, do not, or a
        resident would be rate limited by our own restart. The per-address allowance still counts every request."""
        if message_id is None:
            return self.allow("session", sid, self.per_session)
        key = _retry_key(sid, message_id, text)
        if key in self._failed:
            return True
        allowed = self.allow("session", sid, self.per_session)
        if allowed:
            self._failed[key] = True  # until it is answered
        return allowed

    def answered(self, sid: str, message_id: str | None, text: str) -> None:
        """A message that got its replies: sending it again counts again (a retry gets the same replies anyway)."""
        if message_id is not None:
            self._failed.pop(_retry_key(sid, message_id, text), None)


def _retry_key(sid: str, message_id: str, text: str) -> str:
    return hashlib.sha256(f"{sid}\x1f{message_id}\x1f{text}".encode()).hexdigest()


def get_chat(request: Request) -> ChatService:
    chat: ChatService = request.app.state.chat
    return chat


Chat = Annotated[ChatService, Depends(get_chat)]


@router.get("/api/chat/widget", response_model=WidgetOut, tags=["chat"])
def widget_settings(request: Request) -> Any:
    """The widget's wording, from the consultation being run (a host page may still set its own title)."""
    return WidgetOut(title=_definition(request).title)


@router.post("/api/chat/session", response_model=SessionOut, responses=ERRORS, tags=["chat"])
def create_session(request: Request, chat: Chat) -> Any:
    """Start a conversation: a signed session token to send with each message."""
    if not chat.allow("new-session", _address(request), chat.per_address):
        return _error(429, "Too many new conversations from your connection; please wait a minute.", "rate_limited")
    return SessionOut(token=chat.sessions.issue(), expires_in=chat.sessions.max_age)


@router.post("/api/chat/message", response_model=MessageOut, responses=ERRORS, tags=["chat"])
async def send_message(body: MessageIn, request: Request, chat: Chat) -> Any:
    """Send what the resident typed (or a button's payload); get the assistant's replies with their citations."""
    if not chat.allow("address", _address(request), chat.per_address):  # first, so forged tokens count too
        return _too_fast()
    sid = chat.sessions.session_id(body.token)
    if sid is None:
        return _error(401, "Your conversation has expired; a new one will start.", "session_expired")
    text = body.text.strip()
    if not text:
        return _error(400, "Please type a message.", "empty")
    if not chat.allow_message(sid, body.id, text):
        return _too_fast()
    submission_key = f"web:{sid}:{body.id}" if body.id else None
    sender = sender_id_of_resident(chat.pepper, "web", sid)

    def relay() -> Awaitable[list[Reply]]:
        return chat.relay.send(sender, text, channel="web", submission_key=submission_key)

    try:
        replies = await (chat.replays.once(submission_key, text, relay) if submission_key else relay())
    except RelayUnavailableError:
        log.warning("rasa_unavailable")
        return _error(503, "Sorry, the assistant is restarting. Please try again in a moment.", "unavailable")
    chat.answered(sid, body.id, text)
    base = str(request.base_url).rstrip("/")
    return MessageOut(
        messages=[
            ReplyOut(
                text=r.text,
                buttons=[ButtonOut(title=b.title, payload=b.payload) for b in r.buttons],
                citations=[_citation(c, base) for c in r.citations],
                kind=r.kind,
            )
            for r in replies
        ]
    )


@router.get("/sources/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
def source_page(
    request: Request,
    doc_id: str,
    chat: Chat,
    start: Annotated[int | None, Query(ge=0)] = None,
    end: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    """A document with the quoted passage highlighted (text only: never the document's own HTML)."""
    document = chat.documents.get(doc_id)
    if document is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such document.")
    text = document.text
    valid = start is not None and end is not None and start < end <= len(text)
    s, e = (start, end) if valid and start is not None and end is not None else (0, 0)
    meta = document.meta
    url = meta.url if meta.url and urlparse(meta.url).scheme == "https" else None
    return templates.TemplateResponse(
        request,
        "source.html",
        {
            "meta": meta,
            "attribution": attribution(meta),
            "url": url,
            "before": text[:s],
            "passage": text[s:e],
            "after": text[e:],
            "highlighted": valid,
        },
    )


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def demo_page(request: Request) -> Response:
    definition = _definition(request)
    return templates.TemplateResponse(
        request,
        "demo.html",
        {"version": WIDGET_VERSION, "title": definition.title, "introduction": definition.introduction},
    )


def _definition(request: Request) -> SurveyDefinition:
    """The consultation the web application runs (bot.web opens it at start)."""
    definition: SurveyDefinition = request.app.state.survey.definition
    return definition


def _citation(citation: Citation, base: str) -> CitationOut:
    """The citation as the widget reads it: without the retrieval score, with the link to our passage page."""
    return CitationOut(**citation.model_dump(exclude={"score"}), link=passage_link(base, citation))


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _too_fast() -> JSONResponse:
    return _error(429, "You're sending messages very quickly; please wait a moment and try again.", "rate_limited")


def _error(code: int, message: str, kind: str) -> JSONResponse:
    headers = {"Retry-After": "30"} if code == 429 else None
    return JSONResponse(ErrorOut(error=message, code=kind).model_dump(), status_code=code, headers=headers)
