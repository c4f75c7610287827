"""Replies as Telegram messages: HTML escaped, citations as a numbered source list, keyboards laid out for a phone,
long replies split only between paragraphs and sources, so that every message is valid HTML."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from itertools import accumulate

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.reply_payload import Button, Citation, Reply

LIMIT = 4096  # Telegram's maximum message length
ROW_LABEL_LIMIT = 18  # labels longer than this get a row of their own; shorter ones go two to a row
TINY_LABEL_LIMIT = 4  # labels this short ("Yes", "40") go four to a row
PARAGRAPH, LINE = "\n\n", "\n"  # what joins two blocks: between replies and paragraphs; between sources


@dataclass(frozen=True)
class Outgoing:
    html: str
    keyboard: InlineKeyboardMarkup | None = None


def render_turn(
    replies: list[Reply], make_token: Callable[[Button], str], passage_url: Callable[[Citation], str | None]
) -> list[Outgoing]:
    """All of a turn's replies as few messages as Telegram allows; the last reply's buttons go on the last one."""
    blocks = [block for reply in replies for block in _blocks(reply, passage_url)]
    with_buttons = [reply for reply in replies if reply.buttons]
    keyboard = _keyboard(with_buttons[-1].buttons, make_token) if with_buttons else None
    parts = _pack(blocks)
    return [Outgoing(part, keyboard if index == len(parts) - 1 else None) for index, part in enumerate(parts)]


@dataclass(frozen=True)
class Block:
    """A piece of a message that is valid HTML on its own (a paragraph, the sources heading, one source), so that a
    message may end after any block; `joint` goes before it when it follows another block in the same message."""

    html: str
    joint: str


def _blocks(reply: Reply, passage_url: Callable[[Citation], str | None]) -> list[Block]:
    paragraphs = [piece for paragraph in reply.text.split("\n\n") for piece in _pieces(paragraph)]
    blocks = [Block(escape(piece, quote=False), PARAGRAPH) for piece in paragraphs]
    if reply.citations:
        blocks.append(Block("<b>Sources</b>", LINE))
        blocks += [block for citation in reply.citations for block in _source(citation, passage_url(citation))]
    return blocks


def _source(citation: Citation, link: str | None) -> list[Block]:
    title = escape(citation.title, quote=False)
    if link:
        title = f'<a href="{escape(link, quote=True)}">{title}</a>'
    fields = (citation.speaker, citation.published)
    details = ", ".join(escape(value, quote=False) for value in fields if value)
    line = f"[{citation.n}] {title}" + (f" ({details})" if details else "")
    if len(line) <= LIMIT:
        return [Block(line, LINE)]
    # A source too long for one message (an enormous title) is sent as plain text, without its link.
    plain = f"[{citation.n}] {citation.title}" + (
        f" ({', '.join(value for value in fields if value)})" if details else ""
    )
    return [Block(escape(piece, quote=False), LINE) for piece in _pieces(plain)]


def _pack(blocks: list[Block], limit: int = LIMIT) -> list[str]:
    """Blocks as messages of at most `limit` characters, each ending only between blocks."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        if not block.html:
            continue
        if current and len(current) + len(block.joint) + len(block.html) <= limit:
            current += block.joint + block.html
        else:
            if current:
                messages.append(current)
            current = block.html
    return [*messages, current] if current else messages


def _pieces(text: str, limit: int = LIMIT) -> list[str]:
    """Plain text in pieces whose escaped HTML fits the limit: cut between lines, else words, else anywhere; cut
    before escaping, so that no piece ends inside an entity such as &amp;."""
    pieces: list[str] = []
    while len(escape(text, quote=False)) > limit:
        fits = bisect_right(list(accumulate(len(escape(c, quote=False)) for c in text)), limit)
        cut = text.rfind("\n", 0, fits + 1)
        if cut <= 0:
            cut = text.rfind(" ", 0, fits + 1)
        if cut <= 0:
            cut = fits  # one enormous word: cut it
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*pieces, text]


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
