"""Sending politely: at most about one message a second per chat and thirty a second overall, and on a 429 from
Telegram waiting the `retry_after` it asks for before trying again."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import structlog
from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiolimiter import AsyncLimiter

MAX_RETRIES = 5
SENDING_METHODS = {"sendMessage", "editMessageText", "editMessageReplyMarkup"}
log = structlog.get_logger(__name__)


class PoliteDelivery(BaseRequestMiddleware):
    def __init__(self, per_chat_per_second: float = 1.0, overall_per_second: float = 30.0) -> None:
        self._overall = AsyncLimiter(overall_per_second, 1)
        self._per_chat: defaultdict[Any, AsyncLimiter] = defaultdict(lambda: AsyncLimiter(per_chat_per_second, 1))

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        if method.__api_method__ in SENDING_METHODS:
            chat = getattr(method, "chat_id", None)
            async with self._overall, self._per_chat[chat]:
                return await self._with_retries(make_request, bot, method)
        return await self._with_retries(make_request, bot, method)

    async def _with_retries(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        for attempt in range(MAX_RETRIES):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt == MAX_RETRIES - 1:
                    raise
                log.warning("telegram_rate_limited", method=method.__api_method__, retry_after=error.retry_after)
                await asyncio.sleep(error.retry_after)
        raise AssertionError("unreachable")
