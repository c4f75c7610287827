"""The real aiogram bot (`consult telegram`) against a local fake Bot API server and the real assistant."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import time
import uuid
from collections.abc import Iterator
from itertools import count
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.conversations import ConversationHistory
from survey.pseudonyms import sender_id_of_resident
from survey.service import open_survey
from survey.store import stored_answers
from tests.processes import BIN, free_port, stop, wait_for_port
from tests.stack import Stack
from tests.telegram_fake import FakeTelegram, buttons_of

pytestmark = pytest.mark.slow
_users = count(7_000_000_001)


def _relay(stack: Stack) -> Iterator[FakeTelegram]:
    """`consult telegram` against a fake Bot API server, relaying to this stack's assistant."""
    fake = FakeTelegram()
    fake.start()
    env = {
        **os.environ,
        **stack.env,
        "CONSULT_TELEGRAM_TOKEN": "123456:TEST-TOKEN",
        "CONSULT_TELEGRAM_API_URL": fake.url,
        "CONSULT_PUBLIC_URL": "https://consult.example.org",
    }
    log = (stack.logs / "telegram.log").open("ab")
    process = subprocess.Popen(
        [str(BIN / "consult"), "telegram"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        yield fake
    finally:
        stop(process)
        fake.stop()


@pytest.fixture(scope="module")
def telegram(stack: Stack) -> Iterator[FakeTelegram]:
    yield from _relay(stack)


@pytest.fixture(scope="module")
def fire_telegram(fire_stack: Stack) -> Iterator[FakeTelegram]:
    """The second consultation (every question kind) on Telegram."""
    yield from _relay(fire_stack)


class Resident:
    def __init__(self, telegram: FakeTelegram) -> None:
        self.telegram = telegram
        self.id = next(_users)
        self.received = 0

    def say(self, text: str) -> list[dict[str, Any]]:
        self.telegram.push_text(self.id, text)
        return self._replies()

    def press(self, title: str, message: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        message = message or self.last_keyboard()
        self.telegram.push_callback(self.id, message, buttons_of(message)[title])
        return self._replies()

    def last_keyboard(self) -> dict[str, Any]:
        return [m for m in self.telegram.messages_to(self.id) if m.get("reply_markup")][-1]

    def _replies(self) -> list[dict[str, Any]]:
        """The next turn's messages, once its last one has arrived."""
        replies = self.telegram.next_turn(self.id, since=self.received)
        self.received += len(replies)
        return replies


def _stored(stack: Stack, user_id: int) -> dict[str, Any] | None:
    """The resident's stored answers to the stack's consultation (question id -> value) and the channel."""
    pepper = stack.settings.resolved_pepper()
    survey = open_survey(stack.settings.survey_config(), upgrade=False)
    try:
        pseudonym = survey.pseudonym_of_sender("telegram", sender_id_of_resident(pepper, "telegram", str(user_id)))
        stored = stored_answers(survey.db, pseudonym, survey.definition)
        return {**stored.answers.values, "channel": stored.channel} if stored else None
    finally:
        survey.db.dispose()


def _text(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r["text"] for r in replies)


def test_a_question_is_answered_with_an_escaped_numbered_source_list(telegram: FakeTelegram) -> None:
    resident = Resident(telegram)
    replies = resident.say("/ask What do the candidates say about facial recognition?")
    text = _text(replies)
    assert "<b>Sources</b>" in text and "[1] " in text
    assert 'href="https://consult.example.org/sources/' in text
    assert all(r["parse_mode"] == "HTML" for r in replies)
    for reply in replies:  # valid Telegram HTML: only its tags, and every <, > and & in the text escaped
        bare = re.sub(r'</?(b|i|blockquote)>|<a href="[^"<>]+">|</a>', "", reply["text"])
        assert "<" not in bare and ">" not in bare, reply["text"]
        assert not re.search(r"&(?!amp;|lt;|gt;|quot;|#\d+;)", bare), reply["text"]


def _complete_survey_with_buttons(resident: Resident) -> list[dict[str, Any]]:
    consent = resident.say("/survey")
    assert "Are you happy to take part?" in _text(consent) or "take part" in _text(consent)
    district = resident.press("Yes, I'm happy to take part")
    assert "Which area do you live in?" in _text(district)
    keyboard = district[-1]["reply_markup"]["inline_keyboard"]
    assert all(len(b["callback_data"].encode()) <= 64 for row in keyboard for b in row)
    resident.press("Harlow")
    resident.press("25 to 34")
    resident.press("Knife crime and serious violence")
    resident.press("Road safety")
    resident.press("Rural crime")
    resident.press("Oppose")
    summary = resident.press("Skip")
    assert "Shall I save these answers?" in _text(summary)
    return resident.press("Save my answers")


def test_the_whole_survey_with_buttons_is_stored(stack: Stack, telegram: FakeTelegram) -> None:
    resident = Resident(telegram)
    saved = _complete_survey_with_buttons(resident)
    assert "your answers are saved" in _text(saved)
    # Every press was answered, and each used keyboard was removed.
    assert len(telegram.callback_answers) >= 9
    assert len(telegram.markup_edits) >= 9
    stored = _stored(stack, resident.id)
    assert stored is not None
    assert stored["district"] == "harlow" and stored["channel"] == "telegram"
    assert stored["priorities"] == ("knife_crime", "road_safety", "rural_crime")


def test_residents_on_different_channels_cannot_see_or_erase_each_others_answers(
    stack: Stack, telegram: FakeTelegram
) -> None:
    on_telegram = Resident(telegram)
    assert "your answers are saved" in _text(_complete_survey_with_buttons(on_telegram))  # Harlow
    token = httpx.post(f"{stack.web_url}/api/chat/session").json()["token"]

    def on_the_web(text: str) -> str:
        reply = httpx.post(f"{stack.web_url}/api/chat/message", json={"token": token, "text": text}, timeout=60)
        return " ".join(m["text"] for m in reply.json()["messages"])

    for text in ("take the survey", "/affirm", "Rochford", "70", "rural crime", "road safety", "fraud", "skip"):
        on_the_web(text)
    assert "your answers are saved" in on_the_web("skip") + on_the_web("/affirm")
    telegram_data, web_data = _text(on_telegram.say("/mydata")), on_the_web("what do you hold about me")
    assert "Which area do you live in? Harlow" in telegram_data and "Rochford" not in telegram_data
    assert "Which area do you live in? Rochford" in web_data and "Harlow" not in web_data
    on_the_web("delete my data")
    on_the_web("/affirm")
    assert "I hold no survey answers" in on_the_web("what do you hold about me")
    # The web resident's erasure left this one alone.
    assert "Which area do you live in? Harlow" in _text(on_telegram.say("/mydata"))
    stored = _stored(stack, on_telegram.id)
    assert stored is not None and stored["district"] == "harlow"


def test_a_press_still_counts_when_telegram_will_not_remove_the_keyboard(telegram: FakeTelegram) -> None:
    resident = Resident(telegram)
    resident.say("/survey")
    telegram.refuse_edits_next = 1
    assert "Which area do you live in?" in _text(resident.press("Yes, I'm happy to take part"))
    assert telegram.refuse_edits_next == 0  # the edit was refused, and the survey went on regardless


def test_forged_stale_and_someone_elses_buttons_are_refused(telegram: FakeTelegram) -> None:
    alice, mallory = Resident(telegram), Resident(telegram)
    first = alice.say("/survey")[-1]
    before, answered = len(telegram.sent), len(telegram.callback_answers)
    telegram.push_callback(alice.id, first, "b:forged-token")
    forged = telegram.push_callback(mallory.id, first, buttons_of(first)["No thanks"])  # someone else's button
    assert _alerted(telegram, "expired", answered) and _alerted(telegram, "someone else", answered)
    telegram.wait_confirmed(forged)
    # The real button still works; the assistant answers a resident's turns in order, so a forged press that had
    # reached it would have been answered first.
    pressed = alice.press("Yes, I'm happy to take part", first)
    assert "Which area do you live in?" in _text(pressed)
    assert telegram.sent[before:] == pressed and telegram.messages_to(mallory.id) == []
    answered = len(telegram.callback_answers)
    telegram.push_callback(alice.id, first, buttons_of(first)["No thanks"])  # an older keyboard
    assert _alerted(telegram, "moved on", answered)


def _alerted(telegram: FakeTelegram, words: str, since: int, timeout: float = 30) -> bool:
    """Whether a press answered after the first `since` answers got an alert saying `words` within `timeout` s."""

    def alerted() -> bool:
        alerts = [a for a in telegram.callback_answers[since:] if a.get("show_alert") in (True, "true", "True")]
        return any(words in a.get("text", "") for a in alerts)

    return telegram.wait_until(alerted, timeout)


def _logged(stack: Stack, event: str) -> int:
    """How many times the polling relay has logged `event`."""
    return (stack.logs / "telegram.log").read_text(errors="replace").count(event)


def _wait_logged(stack: Stack, event: str, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while _logged(stack, event) < count:
        assert time.monotonic() < deadline, f"the relay logged {event} {_logged(stack, event)} times, not {count}"
        time.sleep(0.05)


def test_a_429_is_waited_out_and_the_reply_still_arrives(telegram: FakeTelegram) -> None:
    resident = Resident(telegram)
    attempts = telegram.send_attempts
    telegram.rate_limit_next = 1
    began = time.monotonic()
    replies = resident.say("hello")
    assert "never recommend a candidate" in _text(replies)
    assert time.monotonic() - began >= 1  # it waited the retry_after
    assert telegram.send_attempts >= attempts + 2


def test_webhook_mode_accepts_only_updates_carrying_the_secret(stack: Stack, telegram: FakeTelegram) -> None:
    port, secret = free_port(), secrets.token_urlsafe(24)
    env = {
        **os.environ,
        **stack.env,
        "CONSULT_TELEGRAM_TOKEN": "123456:TEST-TOKEN",
        "CONSULT_TELEGRAM_API_URL": telegram.url,
        "CONSULT_TELEGRAM_MODE": "webhook",
        "CONSULT_TELEGRAM_WEBHOOK_URL": "https://consult.example.org/telegram/webhook",
        "CONSULT_TELEGRAM_WEBHOOK_SECRET": secret,
        "CONSULT_TELEGRAM_WEBHOOK_PORT": str(port),
    }
    log = (stack.logs / "telegram-webhook.log").open("ab")
    process = subprocess.Popen(
        [str(BIN / "consult"), "telegram"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url, resident = f"http://127.0.0.1:{port}/telegram/webhook", next(_users)
    try:
        wait_for_port(process, port, timeout=60)
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "not-the-secret"}):
            update = {"update_id": next(_users), "message": telegram.text_message(resident, "/help")}
            assert httpx.post(url, json=update, headers=headers).status_code == 401
        update = {"update_id": next(_users), "message": telegram.text_message(resident, "/help")}
        assert httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}).status_code == 200
        help_text = _text(telegram.next_turn(resident))
        assert "Ask me a question" in help_text and "999" not in help_text
        # The assistant answers a resident's turns in order: a refused /help that had reached it came first.
        assert help_text.count("Ask me a question") == 1
        assert "127.0.0.1" not in (stack.logs / "telegram-webhook.log").read_text()  # no addresses in its log
    finally:
        stop(process)


def test_a_redelivered_update_is_handled_once(stack: Stack, telegram: FakeTelegram) -> None:
    resident = Resident(telegram)
    resident.say("/survey")
    for title in (
        "Yes, I'm happy to take part",
        "Maldon",
        "65 to 74",
        "Rural crime",
        "Road safety",
        "Anti-social behaviour",
        "Support",
        "Skip",
    ):
        resident.press(title)
    summary = resident.last_keyboard()
    skipped = _logged(stack, "duplicate_update_skipped")
    update = telegram.push_callback(resident.id, summary, buttons_of(summary)["Save my answers"])
    telegram.redeliver(update)
    replies = resident._replies()
    _wait_logged(stack, "duplicate_update_skipped", skipped + 1)  # the relay dropped the second delivery
    assert _text(replies).count("your answers are saved") == 1
    assert len(telegram.messages_to(resident.id)) == resident.received
    assert _stored(stack, resident.id) is not None
    question = telegram.push_text(resident.id, "What is the plan for knife crime?")  # a typed message, twice
    telegram.redeliver(question)
    assert "<b>Sources</b>" in _text(resident._replies())
    _wait_logged(stack, "duplicate_update_skipped", skipped + 2)
    assert len(telegram.messages_to(resident.id)) == resident.received  # answered once


def test_forget_erases_the_answers_after_confirmation(stack: Stack, telegram: FakeTelegram) -> None:
    resident = Resident(telegram)
    resident.say("/survey")
    for title in (
        "Yes, I'm happy to take part",
        "Colchester",
        "45 to 54",
        "Fraud and protecting vulnerable people",
        "Road safety",
        "Rural crime",
        "Don't know",
        "Skip",
        "Save my answers",
    ):
        resident.press(title)
    assert _stored(stack, resident.id) is not None
    confirm = resident.say("/forget")
    assert "cannot be undone" in _text(confirm)
    done = resident.press("Yes, delete them")
    assert "have been deleted" in _text(done)
    assert _stored(stack, resident.id) is None
    conversations = ConversationHistory(stack.settings.resolved_tracker_store_url())
    sender = sender_id_of_resident(stack.settings.resolved_pepper(), "telegram", str(resident.id))
    assert conversations.events_of(sender) == 0  # the conversation's history went with the answers
    conversations.dispose()


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.one_of(st.text(min_size=1, max_size=300), st.sampled_from(["/", "/start@other_bot", "/ask", "/forget x"])),
    st.text(max_size=70),
)
def test_any_update_is_handled_and_every_button_press_answered(telegram: FakeTelegram, text: str, data: str) -> None:
    resident = Resident(telegram)
    answers = len(telegram.callback_answers)
    telegram.push_text(resident.id, text)
    telegram.push_callback(resident.id, {"message_id": 1, "chat": {"id": resident.id, "type": "private"}}, data)
    # The forged press was answered, not left spinning.
    assert telegram.wait_until(lambda: len(telegram.callback_answers) > answers, timeout=30)
    replies = resident.say("/help")  # and the bot is still there
    assert replies


def test_logs_hold_no_resident_text_and_no_raw_ids(stack: Stack, telegram: FakeTelegram) -> None:
    resident = Resident(telegram)
    marker = f"zebra-{uuid.uuid4().hex[:8]} what is the plan for knife crime"
    resident.say(marker)
    telegram.wait_confirmed(telegram.push_text(resident.id, "/help"))
    resident._replies()  # the assistant answers a resident's turns in order: all logging of the marker is done
    logs = "".join(path.read_text(errors="replace") for path in stack.logs.glob("*.log"))
    assert logs, "the processes wrote no logs at all"
    assert marker.split()[0] not in logs
    assert str(resident.id) not in logs


def test_the_second_consultation_on_telegram_several_picks_points_and_a_wrong_total(
    fire_stack: Stack, fire_telegram: FakeTelegram
) -> None:
    resident = Resident(fire_telegram)
    resident.say("/survey")
    resident.press("Yes, I'm happy to take part")
    resident.press("A village")
    alarms = resident.press("A house or bungalow")  # the show_if question (high flats) is not asked
    assert "Which of these do you have at home?" in _text(alarms) and "How confident" not in _text(alarms)
    resident.press("A working smoke alarm")
    picked = resident.press("A carbon monoxide alarm")
    assert "So far: A working smoke alarm, A carbon monoxide alarm" in _text(picked)
    resident.press("Done")
    resident.press("Flooding")
    budget = resident.press("Fires in homes")
    keyboard = budget[-1]["reply_markup"]["inline_keyboard"]
    assert ["0", "10", "20", "30"] in [[b["text"] for b in row] for row in keyboard]  # amounts side by side
    wrong = resident.say("50 response, 30 prevention")
    assert "add up to 80 points, not 100" in _text(wrong)
    resident.press("40")
    resident.press("30")
    resident.press("20")  # the last service gets the 10 points left
    resident.press("Fairly safe")
    summary = resident.press("Skip")
    assert "Preparing for floods and wildfires: 10" in _text(summary), _text(summary)
    assert "your answers are saved" in _text(resident.press("Save my answers"))
    stored = _stored(fire_stack, resident.id)
    assert stored is not None and stored["channel"] == "telegram"
    assert stored["alarms"] == ("smoke_alarm", "co_alarm") and stored["risks"] == ("flooding", "house_fires")
    assert stored["budget"] == {"response": 40, "prevention": 30, "protection": 20, "resilience": 10}
    assert "A carbon monoxide alarm" in _text(resident.say("/mydata"))
    resident.say("/forget")
    assert "have been deleted" in _text(resident.press("Yes, delete them"))
    assert _stored(fire_stack, resident.id) is None
