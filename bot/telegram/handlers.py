"""What the bot does with each update: commands and text go to the assistant; button presses are checked first."""

from __future__ import annotations

import structlog
from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message

from bot.relay import RasaRelay, RelayUnavailableError, passage_link
from bot.reply_payload import Button, Citation
from bot.telegram.callbacks import CallbackRegistry, Refusal
from bot.telegram.render import render_turn
from survey.pseudonyms import sender_id_of_resident

router = Router(name="consult")
log = structlog.get_logger(__name__)
UNAVAILABLE = "Sorry, the assistant is restarting. Please try again in a moment."
# Commands and the message the assistant understands for each.
COMMANDS = {
    "start": "/greet",
    "help": "/help",
    "survey": "/start_survey",
    "privacy": "/privacy_info",
    "mydata": "/my_data",
    "forget": "/forget_me",
}


class TelegramRelay:
    """Relays a Telegram resident's message to the assistant (through RasaRelay) and sends the replies back to the chat.

    Handed to the handlers through the dispatcher's workflow data, as `relay`."""

    def __init__(self, rasa: RasaRelay, pepper: bytes, callbacks: CallbackRegistry, public_url: str | None) -> None:
        self.rasa = rasa
        self.pepper = pepper
        self.callbacks = callbacks
        self.public_url = public_url.rstrip("/") if public_url else None

    async def converse(self, bot: Bot, chat_id: int, user_id: int, text: str, update_id: int | None) -> None:
        sender = sender_id_of_resident(self.pepper, "telegram", str(user_id))
        submission_key = f"telegram:{update_id}" if update_id is not None else None
        try:
            replies = await self.rasa.send(sender, text, channel="telegram", submission_key=submission_key)
        except RelayUnavailableError:
            log.warning("rasa_unavailable")
            await bot.send_message(chat_id, UNAVAILABLE)
            return

        def token(button: Button) -> str:
            return self.callbacks.issue(chat_id, user_id, button.title, button.payload)

        # One turn, one Telegram message where it fits: fewer notifications, and the per-chat limit is respected.
        # A turn that needs several notifies once, with its last message: the resident is told when it is complete.
        messages = render_turn(replies, token, self._passage_url)
        for index, outgoing in enumerate(messages):
            sent = await bot.send_message(
                chat_id,
                outgoing.html,
                reply_markup=outgoing.keyboard,
                disable_web_page_preview=True,
                disable_notification=True if index < len(messages) - 1 else None,
            )
            if outgoing.keyboard is not None:
                self.callbacks.keyboard_sent(chat_id, sent.message_id)

    def _passage_url(self, citation: Citation) -> str | None:
        return passage_link(self.public_url, citation) if self.public_url else None


@router.message(CommandStart())
@router.message(Command(*(c for c in COMMANDS if c != "start")))
async def command_handler(
    message: Message, command: CommandObject, bot: Bot, relay: TelegramRelay, update_id: int
) -> None:
    if message.from_user is None:
        return
    await relay.converse(bot, message.chat.id, message.from_user.id, COMMANDS[command.command.lower()], update_id)


@router.message(Command("ask"))
async def ask_handler(message: Message, command: CommandObject, bot: Bot, relay: TelegramRelay, update_id: int) -> None:
    if message.from_user is None:
        return
    if not command.args:
        await message.answer("Type your question, for example: What do the candidates say about knife crime?")
        return
    await relay.converse(bot, message.chat.id, message.from_user.id, command.args, update_id)


@router.message(F.text)
async def text_handler(message: Message, bot: Bot, relay: TelegramRelay, update_id: int) -> None:
    if message.from_user is None or message.text is None:
        return
    await relay.converse(bot, message.chat.id, message.from_user.id, message.text, update_id)


@router.message()
async def other_message_handler(message: Message) -> None:
    await message.answer("I can only read text messages. Please type your question or answer.")


@router.callback_query()
async def button_handler(query: CallbackQuery, bot: Bot, relay: TelegramRelay, update_id: int) -> None:
    message = query.message
    chat_id = message.chat.id if message is not None else None
    if chat_id is None or not query.data:
        await query.answer(Refusal.UNKNOWN.value, show_alert=True)
        return
    pressed = relay.callbacks.redeem(
        query.data, chat_id, query.from_user.id, message.message_id if message is not None else None
    )
    if isinstance(pressed, Refusal):
        log.info("button_refused", reason=pressed.name)
        await query.answer(pressed.value, show_alert=True)  # every callback query is answered
        return
    title, payload = pressed
    await query.answer(f"✓ {title}"[:200])
    if message is not None:
        try:  # the used keyboard goes; if Telegram won't edit the message, the press still counts
            await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message.message_id, reply_markup=None)
        except TelegramAPIError as error:
            log.warning("keyboard_not_removed", error=type(error).__name__)
    await relay.converse(bot, chat_id, query.from_user.id, payload, update_id)
