"""Helpers every action uses: the resident's message, their pseudonym, safety triage, buttons and citations.

The resident is known here by their sender id (`tracker.sender_id`, made by their relay from the channel user id) and
the survey store by their pseudonym, made here from that sender id (`pseudonym_of_sender`), so the store's keys stay
independent of whatever reaches Rasa: survey/pseudonyms.py has the glossary of the three ids.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.services import services
from bot.reply_payload import Button, Reply
from index.answer import Answer, Untriaged, crime_report_text, emergency_text
from index.triage import Triage, triage
from survey.pseudonyms import CONVERSATION_CHANNELS

PAYLOAD = re.compile(r"/[a-z_]+(?:\{.*\})?", re.DOTALL)


def latest_text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def pseudonym_of_sender(tracker: Tracker) -> str:
    """The resident's pseudonym, from the sender id their relay gave Rasa."""
    return services().survey.pseudonym_of_sender(channel_of(tracker), tracker.sender_id)


def channel_of(tracker: Tracker) -> str:
    metadata = tracker.latest_message.get("metadata") or {}
    channel = str(metadata.get("channel", "")) if isinstance(metadata, dict) else ""
    return channel if channel in CONVERSATION_CHANNELS else "rest"  # what our relays set; anything else is "rest"


def submission_key(tracker: Tracker) -> str:
    """A stable key for this user message, so a retried message is stored once: the relay's submission key if given
    (a re-delivered Telegram update keeps its id), otherwise Rasa's message id.

    One key, one name on its way: the chat API's `MessageIn.id` (the widget's contract, named there) or a Telegram
    update id becomes the relay's `submission_key` (`RasaRelay.send`, carried in Rasa's message metadata under
    "submission_key"); this function hashes it with the sender into the key the survey stores
    (`Submission.submission_key`, kept as `SeenSubmission.submission_key`)."""
    metadata = tracker.latest_message.get("metadata") or {}
    given = metadata.get("submission_key") if isinstance(metadata, dict) else None
    source = str(given or tracker.latest_message.get("message_id") or "")
    return hashlib.sha256(f"{tracker.sender_id}\x1f{source}".encode()).hexdigest()


def say(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    """Send one reply, whole, in Rasa's `custom` field: the relays read nothing else (bot/reply_payload.py)."""
    dispatcher.utter_message(json_message=reply.model_dump(mode="json"))


def triage_message(text: str, *, names_an_option: bool = False) -> Triage | Untriaged | None:
    """The message's triage: the rules and the emergency model, as `consult ask` uses them.

    A reply that names one of the options a survey question offers (a risk named in answer to a question about
    risks) is an answer, not a report: it is checked by the rules only, since closeness in meaning to an emergency is
    no evidence of one there."""
    if PAYLOAD.fullmatch(text):  # a button or command ("/help", '/choose{"option":"..."}'), not words a resident typed
        return Untriaged.UNTRIAGED
    return triage(text) if names_an_option else services().pipeline.triage(text)


def safety_reply(dispatcher: CollectingDispatcher, text: str, *, names_an_option: bool = False) -> bool:
    """Send the 999 or 101 advice if the message needs it; True if it did (nothing else should be said first)."""
    return send_safety_advice(dispatcher, triage_message(text, names_an_option=names_an_option))


def send_safety_advice(dispatcher: CollectingDispatcher, rule: Triage | Untriaged | None) -> bool:
    """The 999 or 101 advice when the triage calls for it; True if it was sent."""
    if rule is Triage.EMERGENCY:
        say(dispatcher, Reply(type="safety", kind="emergency", text=emergency_text()))
        return True
    if rule is Triage.CRIME_REPORT:
        online = services().pipeline.policy.report_online_url
        say(dispatcher, Reply(type="safety", kind="crime_report", text=crime_report_text(online)))
        return True
    return False


def send_answer(dispatcher: CollectingDispatcher, answer: Answer) -> None:
    """The answer with its citations as structured data, so each channel can render them properly."""
    say(dispatcher, Reply(type="answer", kind=answer.kind, text=answer.text, citations=answer.citations))


def button(title: str, intent: str, option: str | None = None) -> Button:
    """A button whose payload sets an intent (and the `option` entity): short enough for Telegram's 64 bytes."""
    payload = f"/{intent}" if option is None else f"/{intent}{json.dumps({'option': option}, separators=(',', ':'))}"
    return Button(title, payload)


def menu_buttons() -> list[Button]:
    return [
        button("Ask a question", "help"),
        button("Take the survey", "start_survey"),
        button("Privacy", "privacy_info"),
    ]


def slots_from(tracker: Tracker, names: list[str]) -> dict[str, Any]:
    return {name: tracker.get_slot(name) for name in names}
