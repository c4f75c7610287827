"""The chat API's request and response bodies (they are also its OpenAPI description)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from bot.relay import MAX_MESSAGE


class SessionOut(BaseModel):
    token: str
    expires_in: int = Field(description="Seconds until the session expires.")


class WidgetOut(BaseModel):
    """What the widget shows before a conversation starts, from the consultation's survey definition."""

    title: str = Field(description="The consultation's title (the survey definition's `title`).")


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=500)
    text: str = Field(min_length=1, max_length=MAX_MESSAGE, description="What the resident typed, or a button payload.")
    id: str | None = Field(
        default=None,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The client's id for this message: a retry with the same id is stored once.",
    )


class ButtonOut(BaseModel):
    title: str
    payload: str


class CitationOut(BaseModel):
    n: int
    doc_id: str
    title: str
    speaker: str | None = None
    published: str | None = None
    section: str | None = None
    quote: str
    start: int
    end: int
    url: str | None = None
    link: str = Field(description="Our page showing the document with the passage highlighted.")


class ReplyOut(BaseModel):
    text: str
    buttons: list[ButtonOut] = []
    citations: list[CitationOut] = []
    kind: str | None = None


class MessageOut(BaseModel):
    messages: list[ReplyOut]


class ErrorOut(BaseModel):
    error: str
    code: str
