"""Talking to Rasa for the channels: the sender id is chosen here, from a pseudonym, never from a raw id; each of
Rasa's messages carries one typed reply (bot/reply_payload.py), validated here once for every channel."""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from typing import Any
from urllib.parse import quote

import httpx
import structlog
from pydantic import ValidationError

from bot.conversations import ConversationHistory
from bot.reply_payload import Citation, Reply

MAX_MESSAGE = 2000  # characters a resident may send in one message
RENEW_EVERY = 10  # turns after which a conversation gets a new Rasa session (keeps every turn equally cheap)
TRACKED_SENDERS = 10_000  # conversations whose turns are counted (the least recent are forgotten)
log = structlog.get_logger(__name__)


class RelayUnavailableError(RuntimeError):
    """Rasa did not answer; the channel tells the resident to try again shortly."""


class RasaRelay:
    """Relays to one Rasa, or several sharing a tracker store and a lock store: a conversation always goes to the
    same instance (chosen from its sender id), which keeps its turns in order and its caches warm."""

    def __init__(
        self,
        rasa_urls: list[str],
        conversations: ConversationHistory | None = None,
        timeout: float = 60.0,
        rasa_token: str | None = None,
        renew_every: int = RENEW_EVERY,
    ) -> None:
        self._bases = [url.rstrip("/") for url in rasa_urls]
        self._client = httpx.AsyncClient(timeout=timeout)
        self._conversations = conversations
        self._token = rasa_token
        self._renew_every = renew_every
        self._turns: OrderedDict[str, int] = OrderedDict()
        self._renewals: set[asyncio.Task[None]] = set()

    async def send(self, sender: str, text: str, channel: str, submission_key: str | None = None) -> list[Reply]:
        # The relay's submission key rides in the metadata; see bot/actions/common.py submission_key for its path.
        metadata = {"channel": channel, **({"submission_key": submission_key} if submission_key else {})}
        base = self._bases[int(hashlib.sha256(sender.encode()).hexdigest(), 16) % len(self._bases)]
        try:
            response = await self._client.post(
                f"{base}/webhooks/rest/webhook",
                json={"sender": sender, "message": text[:MAX_MESSAGE], "metadata": metadata},
            )
            response.raise_for_status()
            messages = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise RelayUnavailableError(str(error)) from error
        replies = parse_messages(messages if isinstance(messages, list) else [])
        if not replies:
            # Every turn ends in one of our actions, which always says something: silence means the action server
            # is down or restarting (Rasa then logs the failure and answers nothing).
            raise RelayUnavailableError("Rasa answered nothing")
        if self._conversations is not None and any(reply.kind == "erased" for reply in replies):
            # Rasa has saved the turn by now; erase the whole conversation, not only the survey answers.
            await asyncio.to_thread(self._conversations.erase, sender)
        elif self._counted(sender):
            task = asyncio.create_task(self.renew_session(base, sender))
            self._renewals.add(task)
            task.add_done_callback(self._renewals.discard)
        return replies

    async def renew_session(self, base: str, sender: str) -> None:
        """A new Rasa session for this conversation, carrying over what is under way (bot/actions/session.py); Rasa
        runs it under the conversation's lock, between two turns."""
        try:
            response = await self._client.post(
                f"{base}/conversations/{quote(sender, safe='')}/execute",
                params={"token": self._token or "", "include_events": "NONE"},
                json={"name": "action_renew_session"},
            )
            response.raise_for_status()
        except httpx.HTTPError as error:
            log.warning("session_renewal_failed", error=type(error).__name__)

    def _counted(self, sender: str) -> bool:
        """Count a turn; true when the conversation is due for a new session."""
        if self._token is None:
            return False  # without the API token Rasa refuses; sessions then only renew after inactivity
        turns = self._turns.pop(sender, 0) + 1
        self._turns[sender] = turns % self._renew_every
        if len(self._turns) > TRACKED_SENDERS:
            self._turns.popitem(last=False)
        return turns >= self._renew_every

    async def close(self) -> None:
        if self._renewals:
            await asyncio.gather(*self._renewals, return_exceptions=True)
        await self._client.aclose()
        if self._conversations is not None:
            self._conversations.dispose()


def parse_messages(messages: list[Any]) -> list[Reply]:
    """Rasa's REST output as replies: every message our actions send is one reply in its `custom` field. Anything else
    is logged (where it failed, never what it said) and left out, so the resident sees the rest or, if nothing is
    left, the channel's "try again" message."""
    replies: list[Reply] = []
    for position, message in enumerate(messages):
        custom = message.get("custom") if isinstance(message, dict) else None
        try:
            replies.append(Reply.model_validate(custom))
        except ValidationError as error:
            log.error(
                "malformed_reply",
                position=position,
                problems=[f"{'.'.join(map(str, e['loc'])) or 'custom'}: {e['type']}" for e in error.errors()][:5],
            )
    return replies


def passage_link(base_url: str, citation: Citation) -> str:
    """Our page showing the document with the quoted passage highlighted."""
    return f"{base_url}/sources/{citation.doc_id}?start={citation.start}&end={citation.end}#passage"
