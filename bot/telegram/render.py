"""Replies as Telegram messages: HTML escaped, citations as a numbered source list, keyboards laid out for a phone,
long replies split at paragraph boundaries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.relay import Button, Reply

LIMIT = 4096  # Telegram's maximum message length
ROW_LABEL_LIMIT = 18  # labels longer than this get a row of their own; shorter ones go two to a row
TINY_LABEL_LIMIT = 4  # labels this short ("Yes", "40") go four to a row


@dataclass(frozen=True)
class Outgoing:
    html: str
    keyboard: InlineKeyboardMarkup | None = None


def render_turn(
    replies: list[Reply], make_token: Callable[[Button], str], passage_url: Callable[[dict[str, Any]], str | None]
) -> list[Outgoing]:
    """All of a turn's replies as few messages as Telegram allows; the last reply's buttons go on the last one."""
    body = "\n\n".join(_html(reply, passage_url) for reply in replies)
    with_buttons = [reply for reply in replies if reply.buttons]
    keyboard = _keyboard(with_buttons[-1].buttons, make_token) if with_buttons else None
    parts = split_message(body) if body else []
    return [Outgoing(part, keyboard if index == len(parts) - 1 else None) for index, part in enumerate(parts)]


def _html(reply: Reply, passage_url: Callable[[dict[str, Any]], str | None]) -> str:
    body = escape(reply.text, quote=False)
    if reply.citations:
        body += "\n<b>Sources</b>\n" + "\n".join(_source(c, passage_url(c)) for c in reply.citations)
    return body


def _source(citation: dict[str, Any], link: str | None) -> str:
    title = escape(str(citation.get("title") or ""), quote=False)
    if link:
        title = f'<a href="{escape(link, quote=True)}">{title}</a>'
    details = ", ".join(escape(str(v), quote=False) for v in (citation.get("speaker"), citation.get("published")) if v)
    return f"[{citation.get('n')}] {title}" + (f" ({details})" if details else "")


def _keyboard(buttons: list[Button], make_token: Callable[[Button], str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for button in buttons:
        builder.button(text=button.title[:64], callback_data=make_token(button))
    builder.adjust(*_row_sizes([button.title[:64] for button in buttons]))
    return builder.as_markup()


def _row_sizes(labels: list[str]) -> list[int]:
    """Buttons per row, in order: a button joins the row above while every label in it still fits side by side."""
    sizes: list[int] = []
    room = 0
    for label in labels:
        fits = _per_row(label)
        if sizes and sizes[-1] < min(room, fits):
            sizes[-1] += 1
            room = min(room, fits)
        else:
            sizes.append(1)
            room = fits
    return sizes


def _per_row(label: str) -> int:
    """How many buttons with labels like this fit side by side on a phone (amounts of points: four)."""
    if len(label) <= TINY_LABEL_LIMIT:
        return 4
    return 2 if len(label) <= ROW_LABEL_LIMIT else 1


def split_message(html: str, limit: int = LIMIT) -> list[str]:
    """Pieces of at most `limit` characters, cut between paragraphs, else lines, else words."""
    pieces: list[str] = []
    current = ""
    for paragraph in html.split("\n\n"):
        for chunk in _hard_split(paragraph, limit):
            candidate = f"{current}\n\n{chunk}" if current else chunk
            if len(candidate) <= limit:
                current = candidate
            else:
                pieces.append(current)
                current = chunk
    return [*pieces, current] if current else pieces


def _hard_split(text: str, limit: int) -> list[str]:
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut <= 0:
            cut = text.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit  # one enormous word: cut it
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*chunks, text]
