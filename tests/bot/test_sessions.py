"""New Rasa sessions every few turns keep a turn's cost flat; they must not lose what the resident is in the middle of.

Each test renews the session after every turn (the worst case: the relays do it every few turns), through the same
relay code the channels use, against the real running assistant."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from bot.relay import RasaRelay
from bot.reply_payload import Reply
from survey.service import open_survey
from survey.store import stored_answers
from tests.stack import Stack

pytestmark = pytest.mark.slow


class Resident:
    """Says something, then has the session renewed, as a relay does when a conversation is due."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.sender = f"resident-{uuid.uuid4().hex[:12]}"
        self.relay = RasaRelay([stack.rasa_url], rasa_token=stack.token, renew_every=10**9)

    async def say(self, text: str) -> str:
        replies: list[Reply] = await self.relay.send(self.sender, text, channel="rest")
        await self.relay.renew_session(self.stack.rasa_url, self.sender)
        return "\n".join(reply.text for reply in replies)

    def stored(self) -> dict[str, Any] | None:
        survey = open_survey(self.stack.settings.survey_config(), upgrade=False)
        try:
            stored = stored_answers(survey.db, survey.pseudonym_of_sender("rest", self.sender), survey.definition)
            return dict(stored.answers.values) if stored else None
        finally:
            survey.db.dispose()

    def session_events(self) -> list[dict[str, Any]]:
        """Every event of the conversation, all sessions (Rasa's tracker endpoint loads them all)."""
        response = httpx.get(
            f"{self.stack.rasa_url}/conversations/{self.sender}/tracker",
            params={"token": self.stack.token, "include_events": "AFTER_RESTART"},
            timeout=30,
        )
        response.raise_for_status()
        events: list[dict[str, Any]] = response.json()["events"]
        return events


def test_a_survey_carries_on_at_the_same_question_across_new_sessions(stack: Stack) -> None:
    async def converse() -> None:
        resident = Resident(stack)
        await resident.say("I want to take the survey")
        assert "Which area do you live in?" in await resident.say("/affirm")
        answer = await resident.say("What is Vision Zero?")  # a question mid-survey, then back to the survey
        assert "“" in answer and answer.rstrip().endswith("Which area do you live in?"), answer
        await resident.say("Southend")
        await resident.say("I'm 34")
        await resident.say("knife crime and drugs")
        await resident.say('/choose{"option":"road_safety"}')
        await resident.say("strongly oppose")
        assert "Shall I save these answers?" in await resident.say("skip")
        assert "your answers are saved" in await resident.say("/affirm")
        stored = resident.stored()
        assert stored is not None and stored["priorities"] == ("knife_crime", "drugs_county_lines", "road_safety")
        assert stored["district"] == "southend" and stored["facial_recognition"] == "strongly_oppose"

        assert "Which answer would you like to change?" in await resident.say("change my answers")
        await resident.say('/choose{"option":"district"}')
        assert "Shall I save" in await resident.say("Harlow")
        assert "replace the answers you gave before" in await resident.say("yes")
        assert "Which area do you live in? Harlow" in await resident.say("what do you hold about me")

        assert "This cannot be undone" in await resident.say("delete my data")
        assert "have been deleted" in await resident.say("/affirm")  # the pending confirmation survived
        assert resident.stored() is None
        await resident.relay.close()

    asyncio.run(converse())


def test_a_long_conversation_keeps_a_short_session(stack: Stack) -> None:
    """25 questions with the relay's own renewal (every 10 turns): what Rasa loads and sends per turn stays small."""

    async def converse() -> list[dict[str, Any]]:
        resident = Resident(stack)
        relay = RasaRelay([stack.rasa_url], rasa_token=stack.token, renew_every=10)
        for number in range(25):
            await relay.send(resident.sender, f"What does the plan say about road safety? ({number})", channel="rest")
        await relay.close()  # waits for the renewals under way
        await resident.relay.close()
        return resident.session_events()

    events = asyncio.run(converse())
    starts = [i for i, event in enumerate(events) if event["event"] == "session_started"]
    assert len(starts) >= 3, [event["event"] for event in events]  # the first session and two renewals at least
    users = [event for event in events[starts[-1] :] if event["event"] == "user"]
    assert 1 <= len(users) <= 10, [event["event"] for event in events]  # the current session: the turns since then
