"""Inline-button callbacks, checked server-side: Telegram callback data is at most 64 bytes and fully under the
client's control, so a button carries only a random token that maps to its payload here."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum

from cachetools import LRUCache

MAX_TOKENS = 50_000


class Refusal(StrEnum):
    UNKNOWN = "This button has expired. Please type your answer, or send /survey to start again."
    SOMEONE_ELSE = "These buttons belong to someone else's conversation."
    STALE = "That question has moved on: please use the buttons on the latest message."


@dataclass(frozen=True)
class _Issued:
    chat_id: int
    user_id: int
    title: str
    payload: str


class CallbackRegistry:
    def __init__(self) -> None:
        self._tokens: LRUCache[str, _Issued] = LRUCache(maxsize=MAX_TOKENS)
        self._current: dict[int, int] = {}  # chat id -> message id of the keyboard that is still live

    def issue(self, chat_id: int, user_id: int, title: str, payload: str) -> str:
        token = "b:" + secrets.token_urlsafe(12)  # 18 characters: far below Telegram's 64-byte limit
        self._tokens[token] = _Issued(chat_id, user_id, title, payload)
        return token

    def keyboard_sent(self, chat_id: int, message_id: int) -> None:
        self._current[chat_id] = message_id

    def redeem(self, token: str, chat_id: int, user_id: int, message_id: int | None) -> tuple[str, str] | Refusal:
        """(title, payload) of a valid press; the keyboard is then spent. Otherwise why it is refused."""
        issued = self._tokens.get(token)
        if issued is None or issued.chat_id != chat_id:
            return Refusal.UNKNOWN
        if issued.user_id != user_id:
            return Refusal.SOMEONE_ELSE
        if message_id is None or self._current.get(chat_id) != message_id:
            return Refusal.STALE
        self._current.pop(chat_id, None)
        return issued.title, issued.payload
