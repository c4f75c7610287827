"""A local fake of Telegram's Bot API (the real servers are outside this machine): enough of getUpdates,
sendMessage, answerCallbackQuery and editMessageReplyMarkup for the real aiogram bot to run against it."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.processes import listening_socket

BOT_USER = {"id": 999000, "is_bot": True, "first_name": "Consult", "username": "consult_test_bot"}
SENT_ONLY = {"parse_mode", "silent"}  # how a message was sent, kept for the test but not part of a Message


class FakeTelegram:
    def __init__(self) -> None:
        self._socket = listening_socket()  # bound here, served from in start(): no other process can take the port
        self.port = int(self._socket.getsockname()[1])
        self.updates: list[dict[str, Any]] = []
        self._redelivered: list[dict[str, Any]] = []  # sent once more even if the relay had confirmed them
        self.sent: list[dict[str, Any]] = []  # every sendMessage that succeeded
        self.send_attempts = 0
        self.callback_answers: list[dict[str, Any]] = []
        self.markup_edits: list[dict[str, Any]] = []
        self.rate_limit_next = 0  # answer this many sendMessage calls with 429
        self.refuse_edits_next = 0  # answer this many editMessageReplyMarkup calls with 400
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(100)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)  # notified whenever the relay has called a method
        self.confirmed = 0  # the highest update_id the relay has confirmed (by asking getUpdates for a later offset)
        self._loop = asyncio.new_event_loop()
        self._new_update: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- the test's side -------------------------------------------------------------------------------------
    def start(self) -> None:
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)

    def push_text(self, user_id: int, text: str, chat_id: int | None = None) -> dict[str, Any]:
        return self.push({"message": self.text_message(user_id, text, chat_id)})

    def text_message(self, user_id: int, text: str, chat_id: int | None = None) -> dict[str, Any]:
        """A message as the Bot API describes it (for an update polled from here or posted to a webhook)."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": _chat(chat_id or user_id),
            "from": _user(user_id),
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return message

    def push_callback(self, user_id: int, message: dict[str, Any], data: str) -> dict[str, Any]:
        query = {
            "id": str(next(self._ids)),
            "from": _user(user_id),
            "chat_instance": "test",
            "data": data,
            "message": {
                "message_id": message["message_id"],
                "date": int(time.time()),
                "chat": message["chat"],
                "from": BOT_USER,
                "text": message.get("text", ""),
            },
        }
        return self.push({"callback_query": query})

    def push(self, content: dict[str, Any], update_id: int | None = None) -> dict[str, Any]:
        update = {"update_id": update_id if update_id is not None else next(self._ids), **content}
        with self._lock:
            self.updates.append(update)
        self._loop.call_soon_threadsafe(self._notify)
        return update

    def redeliver(self, update: dict[str, Any]) -> None:
        """The same update again, as Telegram sends it when it thinks the first delivery failed: delivered even
        when the relay has already confirmed the first (else a relay that handles it twice would pass unnoticed)."""
        with self._lock:
            self._redelivered.append(dict(update))
        self._loop.call_soon_threadsafe(self._notify)

    def messages_to(self, chat_id: int) -> list[dict[str, Any]]:
        with self._lock:
            return [m for m in self.sent if m["chat"]["id"] == chat_id]

    def wait_until(self, condition: Callable[[], bool], timeout: float = 60) -> bool:
        """Whether `condition` (of what the relay has sent) came true within `timeout` s; checked on every call."""
        with self._changed:
            return self._changed.wait_for(condition, timeout)

    def next_turn(self, chat_id: int, since: int = 0, timeout: float = 60) -> list[dict[str, Any]]:
        """The chat's messages from its `since`-th up to the end of a turn: the relay sends a turn's messages silently
        but the last, which notifies the resident (a turn of one message simply notifies)."""

        def turn() -> list[dict[str, Any]]:
            received = self.messages_to(chat_id)[since:]
            ends = [index for index, message in enumerate(received) if not message["silent"]]
            return received[: ends[0] + 1] if ends else []

        if not self.wait_until(lambda: bool(turn()), timeout):
            got = len(self.messages_to(chat_id)) - since
            raise TimeoutError(f"chat {chat_id} got {got} messages since its {since}th but no turn's end")
        return turn()

    def wait_confirmed(self, update: dict[str, Any], timeout: float = 60) -> None:
        """Wait until the relay has confirmed `update`: it has taken the update and asked for the ones after it."""
        if not self.wait_until(lambda: self.confirmed >= update["update_id"], timeout):
            raise TimeoutError(f"update {update['update_id']} not confirmed (confirmed up to {self.confirmed})")

    # --- the bot's side ----------------------------------------------------------------------------------------
    async def _serve(self) -> None:
        self._new_update = asyncio.Event()
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.SockSite(self._runner, self._socket).start()

    def _notify(self) -> None:
        if self._new_update is not None:
            self._new_update.set()

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        form = dict(await request.post()) if request.content_type != "application/json" else await request.json()
        params = {k: _decode(v) for k, v in form.items()}
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return web.json_response({"ok": True, "result": True})
        result = await handler(params)
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result})

    async def _api_getMe(self, params: dict[str, Any]) -> Any:  # noqa: N802 (Bot API method names)
        return BOT_USER

    async def _api_getUpdates(self, params: dict[str, Any]) -> Any:  # noqa: N802
        offset = int(params.get("offset") or 0)
        if offset > 0:
            with self._changed:
                self.confirmed = max(self.confirmed, offset - 1)
                self._changed.notify_all()
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 2)
        while True:
            with self._lock:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]  # confirmed ones are gone
                pending, self._redelivered = self._redelivered + self.updates, []
            if pending or time.monotonic() >= deadline:
                return pending
            assert self._new_update is not None
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout=max(0.0, deadline - time.monotonic()))

    async def _api_sendMessage(self, params: dict[str, Any]) -> Any:  # noqa: N802
        with self._changed:
            self.send_attempts += 1
            self._changed.notify_all()
            if self.rate_limit_next > 0:
                self.rate_limit_next -= 1
                return web.json_response(
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": "Too Many Requests: retry after 1",
                        "parameters": {"retry_after": 1},
                    },
                    status=429,
                )
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": _chat(int(params["chat_id"])),
            "from": BOT_USER,
            "text": params.get("text", ""),
            "parse_mode": params.get("parse_mode"),
            "silent": params.get("disable_notification") in (True, "true", "True"),
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        with self._changed:
            self.sent.append(message)
            self._changed.notify_all()
        return {k: v for k, v in message.items() if k not in SENT_ONLY}

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:  # noqa: N802
        with self._changed:
            self.callback_answers.append(params)
            self._changed.notify_all()
        return True

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:  # noqa: N802
        with self._lock:
            if self.refuse_edits_next > 0:  # as Telegram does for a message too old to edit
                self.refuse_edits_next -= 1
                description = "Bad Request: message can't be edited"
                return web.json_response({"ok": False, "error_code": 400, "description": description}, status=400)
            self.markup_edits.append(params)
            self._changed.notify_all()
        return True


def buttons_of(message: dict[str, Any]) -> dict[str, str]:
    """Button text -> callback data of a sent message's inline keyboard."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return {b["text"]: b["callback_data"] for row in rows for b in row}


def _decode(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _chat(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "type": "private" if chat_id > 0 else "group", "first_name": "Resident"}


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Resident"}
