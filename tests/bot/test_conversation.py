"""Conversations with the real running assistant (Rasa + action server), over Rasa's REST channel."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from survey.config import SurveyConfig
from survey.service import open_survey
from survey.store import stored_answers
from tests.stack import Stack, buttons, customs, texts

pytestmark = pytest.mark.slow


def _resident() -> str:
    return f"resident-{uuid.uuid4().hex[:12]}"


def _stored(stack: Stack, sender: str) -> dict[str, Any] | None:
    """The resident's stored answers to this consultation, question id -> value."""
    config: SurveyConfig = stack.settings.survey_config()
    survey = open_survey(config, upgrade=False)
    try:
        stored = stored_answers(survey.db, survey.pseudonym_of_sender("rest", sender), survey.definition)
        return dict(stored.answers.values) if stored else None
    finally:
        survey.db.dispose()


def _complete_survey(stack: Stack, sender: str) -> list[dict[str, Any]]:
    stack.say(sender, "I want to take the survey")
    stack.say(sender, "/affirm")
    stack.say(sender, "Southend")
    stack.say(sender, "I'm 34")
    asked = stack.say(sender, "knife crime and drugs")
    assert any("third" in t for t in texts(asked)), asked  # two priorities from one message; the third is asked
    stack.say(sender, '/choose{"option":"road_safety"}')
    stack.say(sender, "strongly oppose")
    summary = stack.say(sender, "skip")
    assert any("Shall I save these answers?" in t for t in texts(summary)), summary
    return stack.say(sender, "/affirm")


def test_greeting_explains_what_the_assistant_does(stack: Stack) -> None:
    reply = stack.say(_resident(), "hello")
    text = " ".join(texts(reply))
    assert "quoting them word for word" in text and "never recommend a candidate" in text
    assert "/start_survey" in buttons(reply)


def test_a_question_is_answered_with_structured_citations(stack: Stack) -> None:
    reply = stack.say(_resident(), "What do the candidates say about facial recognition?")
    assert any("“" in t for t in texts(reply))
    answer = next(c for c in customs(reply) if c.get("type") == "answer")
    assert answer["kind"] == "answer"
    docs = {c["doc_id"] for c in answer["citations"]}
    assert {"miller-mayor-policing-blog", "pfcc-police-fire-crime-plan"} <= docs
    assert all(c["quote"] and c["title"] for c in answer["citations"])


def test_the_help_button_and_a_bare_help_get_help_not_the_999_advice(stack: Stack) -> None:
    for message in ("/help", "help"):
        text = " ".join(texts(stack.say(_resident(), message)))
        assert "Ask me a question" in text and "999" not in text, message


def test_an_emergency_gets_999_first(stack: Stack) -> None:
    reply = stack.say(_resident(), "help someone is breaking into my house right now")
    assert "call 999" in texts(reply)[0]
    assert not any(c.get("type") == "answer" for c in customs(reply))


def test_a_complete_survey_is_stored(stack: Stack) -> None:
    sender = _resident()
    saved = _complete_survey(stack, sender)
    assert any("your answers are saved" in t for t in texts(saved)), saved
    stored = _stored(stack, sender)
    assert stored is not None
    assert stored["district"] == "southend" and stored["age_band"] == "25_34"
    assert stored["priorities"] == ("knife_crime", "drugs_county_lines", "road_safety")
    assert stored["facial_recognition"] == "strongly_oppose" and "comment" not in stored


def test_a_question_mid_survey_is_answered_and_the_survey_resumes(stack: Stack) -> None:
    sender = _resident()
    stack.say(sender, "I want to take the survey")
    asked = stack.say(sender, "/affirm")
    assert any("Which area do you live in?" in t for t in texts(asked))
    reply = stack.say(sender, "What is Vision Zero?")
    assert any(c.get("type") == "answer" and c["citations"] for c in customs(reply)), reply
    assert "Which area do you live in?" in texts(reply)[-1]  # back to the question it was on
    assert any("Which age group" in t for t in texts(stack.say(sender, "Harlow")))


def test_an_emergency_mid_survey_gets_999_and_the_question_again(stack: Stack) -> None:
    sender = _resident()
    stack.say(sender, "start the survey")
    stack.say(sender, "/affirm")
    reply = stack.say(sender, "there's a man with a knife outside my door")
    assert "call 999" in texts(reply)[0]
    assert "Which area do you live in?" in texts(reply)[-1]


def test_stop_leaves_the_survey_and_no_consent_means_no_survey(stack: Stack) -> None:
    sender = _resident()
    stack.say(sender, "take the survey")
    stack.say(sender, "/affirm")
    stopped = stack.say(sender, "stop")
    assert any("left the survey" in t for t in texts(stopped))
    assert _stored(stack, sender) is None
    stack.say(sender, "take the survey")
    declined = stack.say(sender, "/deny")
    assert any("nothing from the survey will be recorded" in t for t in texts(declined))
    reply = stack.say(sender, "What does the plan say about road safety?")
    assert any(c.get("type") == "answer" for c in customs(reply))


def test_answers_can_be_changed_seen_and_erased(stack: Stack) -> None:
    sender = _resident()
    _complete_survey(stack, sender)
    which = stack.say(sender, "change my answers")
    assert any("Which answer would you like to change?" in t for t in texts(which)), which
    stack.say(sender, '/choose{"option":"priorities"}')
    stack.say(sender, "visible policing")
    stack.say(sender, "anti-social behaviour")
    summary = stack.say(sender, "fraud")
    assert any("1. Visible local policing" in t for t in texts(summary)), summary
    saved = stack.say(sender, "yes")
    assert any("replace the answers you gave before" in t for t in texts(saved)), saved
    stored = _stored(stack, sender)
    assert stored is not None
    assert stored["priorities"] == ("visible_policing", "anti_social_behaviour", "fraud_vulnerable")
    assert stored["district"] == "southend"

    held = stack.say(sender, "what do you hold about me")
    area, ranking = "Which area do you live in? Southend-on-Sea", "1. Visible local policing"
    assert any(area in t and ranking in t for t in texts(held)), held

    confirm = stack.say(sender, "delete my data")
    assert any("This cannot be undone" in t for t in texts(confirm))
    erased = stack.say(sender, "/affirm")
    assert any("have been deleted" in t for t in texts(erased))
    assert _stored(stack, sender) is None
    assert any("I hold no survey answers" in t for t in texts(stack.say(sender, "what do you hold about me")))


def test_a_conversation_continues_after_rasa_restarts(stack: Stack) -> None:
    sender = _resident()
    stack.say(sender, "take the survey")
    stack.say(sender, "/affirm")
    stack.say(sender, "Colchester")
    stack.restart("rasa")
    asked = stack.say(sender, "45")  # the age question it was on before the restart
    assert any("Which should matter most" in t for t in texts(asked)), asked
