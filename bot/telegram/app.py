"""Wiring and running the Telegram bot: long polling by default; webhook mode only with a secret token."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import BotCommand, TelegramObject, Update
from cachetools import LRUCache

from bot.telegram.delivery import PoliteDelivery
from bot.telegram.handlers import TelegramRelay, router

log = structlog.get_logger(__name__)
SEEN_UPDATES = 10_000
BOT_COMMANDS = [
    BotCommand(command="start", description="What I can do"),
    BotCommand(command="ask", description="Ask a question about the documents"),
    BotCommand(command="survey", description="Take part in the consultation's survey"),
    BotCommand(command="privacy", description="How your answers are used"),
    BotCommand(command="mydata", description="What I hold about you"),
    BotCommand(command="forget", description="Delete your answers"),
    BotCommand(command="help", description="Help"),
]


class WebhookConfigError(RuntimeError):
    """Webhook mode is missing what it needs to run safely: it refuses to start."""


class OnceOnly(BaseMiddleware):
    """A re-delivered update (Telegram retries on errors and slow answers) is handled once."""

    def __init__(self) -> None:
        self._seen: LRUCache[int, None] = LRUCache(maxsize=SEEN_UPDATES)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        if event.update_id in self._seen:
            log.info("duplicate_update_skipped")
            return None
        self._seen[event.update_id] = None
        data["update_id"] = event.update_id
        return await handler(event, data)


def create_bot(token: str, api_url: str | None) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url)) if api_url else AiohttpSession()
    session.middleware(PoliteDelivery())
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def create_dispatcher(relay: TelegramRelay) -> Dispatcher:
    dispatcher = Dispatcher(relay=relay)
    dispatcher.update.outer_middleware(OnceOnly())
    dispatcher.include_router(router)
    return dispatcher


async def run_polling(bot: Bot, relay: TelegramRelay) -> None:
    dispatcher = create_dispatcher(relay)
    try:
        await bot.delete_webhook(drop_pending_updates=False)
        await bot.set_my_commands(BOT_COMMANDS)
        log.info("telegram_polling_started")
        await dispatcher.start_polling(bot, handle_signals=True, close_bot_session=True)
    finally:
        await relay.rasa.close()


def run_webhook(bot: Bot, relay: TelegramRelay, webhook_url: str, secret: str | None, host: str, port: int) -> None:
    """Webhook mode fails closed: without a secret token aiogram would accept any request as an update."""
    if not secret or len(secret) < 16:
        raise WebhookConfigError("webhook mode needs CONSULT_TELEGRAM_WEBHOOK_SECRET (at least 16 characters)")
    if not webhook_url.startswith("https://"):  # Telegram only posts to HTTPS; an empty URL would remove the webhook
        raise WebhookConfigError("webhook mode needs CONSULT_TELEGRAM_WEBHOOK_URL, the public https:// address")
    from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
    from aiohttp import web

    dispatcher = create_dispatcher(relay)

    async def on_startup(bot: Bot) -> None:
        await bot.set_webhook(webhook_url, secret_token=secret, drop_pending_updates=False)
        await bot.set_my_commands(BOT_COMMANDS)

    dispatcher.startup.register(on_startup)
    app = web.Application()
    SimpleRequestHandler(dispatcher=dispatcher, bot=bot, secret_token=secret).register(app, path="/telegram/webhook")
    setup_application(app, dispatcher, bot=bot)
    web.run_app(app, host=host, port=port, print=None, access_log=None)  # an access log would hold addresses
