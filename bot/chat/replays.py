"""A message sent again with the same id (the widget retries after a lost answer, or a network resends it) is relayed
to the assistant once: the copies wait for the first one's replies and get the same."""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from bot.reply_payload import Reply

KEPT = 10_000  # recent messages remembered (per web application process)


class Replays:
    def __init__(self, kept: int = KEPT) -> None:
        self._kept = kept
        self._recent: OrderedDict[str, asyncio.Task[list[Reply]]] = OrderedDict()

    async def once(self, submission_key: str, text: str, send: Callable[[], Awaitable[list[Reply]]]) -> list[Reply]:
        """The replies to this message, relayed only if no message with this key and text was relayed already; a
        failed relay is forgotten so that a retry is relayed again."""
        slot = hashlib.sha256(f"{submission_key}\x1f{text}".encode()).hexdigest()
        task = self._recent.get(slot)
        if task is None:
            task = asyncio.ensure_future(send())
            self._recent[slot] = task
            while len(self._recent) > self._kept:
                self._recent.popitem(last=False)
        try:
            return await asyncio.shield(task)
        except Exception:
            if self._recent.get(slot) is task:
                del self._recent[slot]
            raise
