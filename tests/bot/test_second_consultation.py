"""The second consultation (fire and rescue community risk, every question kind) run from its YAML file alone, over
Rasa's REST channel: typed and pressed answers, show_if, a wrong points total, the summary, change, results, erasure."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from index.config import IndexConfig
from survey.results import compute_results
from survey.service import open_survey
from survey.store import stored_answers
from tests import postgres
from tests.conftest import FIRE_SURVEY
from tests.stack import Stack, buttons, texts

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fire_on_postgres(
    tmp_path_factory: pytest.TempPathFactory, index_config: IndexConfig, fire_stack: Stack
) -> Iterator[Stack]:
    """The second consultation with its answers in PostgreSQL (the trained model reused: same project)."""
    if not postgres.answers():
        pytest.fail("PostgreSQL is not answering on 127.0.0.1:5432 (see tests/postgres.py)")
    data_dir = tmp_path_factory.mktemp("fire-postgres")
    shutil.copytree(fire_stack.settings.data_dir / "rasa" / "models", data_dir / "rasa" / "models")
    with postgres.fresh_databases() as (name,):
        settings = {"CONSULT_SURVEY_FILE": str(FIRE_SURVEY), "CONSULT_DATABASE_URL": postgres.app_url(name)}
        running = Stack(data_dir, index_dir=index_config.index_dir, settings=settings)
        running.prepare()
        running.start()
        yield running
        running.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def consultation(request: pytest.FixtureRequest) -> Stack:
    stack: Stack = request.getfixturevalue("fire_stack" if request.param == "sqlite" else "fire_on_postgres")
    return stack


def _resident() -> str:
    return f"resident-{uuid.uuid4().hex[:12]}"


def _stored(stack: Stack, sender: str) -> dict[str, Any] | None:
    survey = open_survey(stack.settings.survey_config(), upgrade=False)
    try:
        stored = stored_answers(survey.db, survey.pseudonym_of_sender("rest", sender), survey.definition)
        return dict(stored.answers.values) if stored else None
    finally:
        survey.db.dispose()


def _results(stack: Stack) -> dict[str, Any]:
    survey = open_survey(stack.settings.survey_config(), upgrade=False)
    try:
        return compute_results(survey.db, survey.definition, by="home")
    finally:
        survey.db.dispose()


def _joined(messages: list[dict[str, Any]]) -> str:
    return "\n".join(texts(messages))


def test_every_kind_typed_with_show_if_and_a_wrong_points_total(consultation: Stack) -> None:
    fire_stack = consultation
    say, sender = fire_stack.say, _resident()
    assert "community risk management plan" in _joined(say(sender, "I want to take the survey"))
    assert "Where do you live?" in _joined(say(sender, "yes"))
    assert "What kind of home" in _joined(say(sender, "rural"))
    follow_up = _joined(say(sender, "a tower block"))  # show_if: asked only of people in high flats
    assert "How confident are you" in follow_up, follow_up
    alarms = say(sender, "fairly confident")
    assert "Choose up to 4" in _joined(alarms) and "/skip" in buttons(alarms)
    picked = _joined(say(sender, "smoke alarm and carbon monoxide"))
    assert "So far: A working smoke alarm, A carbon monoxide alarm" in picked, picked
    assert "Which two risks" in _joined(say(sender, "done"))
    assert "second" in _joined(say(sender, "flooding"))
    budget = _joined(say(sender, "wildfires"))
    assert "100 points" in budget and "How many points for Fast response to emergencies?" in budget, budget
    wrong = _joined(say(sender, "40 response, 30 prevention"))
    assert "add up to 70 points, not 100" in wrong and "How many points for" in wrong, wrong
    assert "How safe from fire" in _joined(say(sender, "50 response, 20 prevention, 20 inspections, 10 climate"))
    assert "anything else" in _joined(say(sender, "4"))  # a scale's score
    summary = _joined(say(sender, "Please plan for more flood rescue boats"))
    assert "Shall I save these answers?" in summary, summary
    assert "Fast response to emergencies: 50" in summary and "1. Flooding, 2. Grass and wildfires" in summary
    assert any("your answers are saved" in t for t in texts(say(sender, "/affirm")))
    assert _stored(fire_stack, sender) == {
        "area": "countryside",
        "home": "flat_high",
        "evacuation": "fairly_confident",
        "alarms": ("smoke_alarm", "co_alarm"),
        "risks": ("flooding", "wildfires"),
        "budget": {"response": 50, "prevention": 20, "protection": 20, "resilience": 10},
        "safety": "fairly_safe",
        "ideas": "Please plan for more flood rescue boats",
    }


def _complete_with_buttons(stack: Stack, sender: str) -> str:
    """Every answer pressed: the show_if question is not asked, points go option by option."""
    stack.say(sender, "/start_survey")
    stack.say(sender, "/affirm")
    stack.say(sender, '/choose{"option":"village"}')
    alarms = _joined(stack.say(sender, '/choose{"option":"house"}'))
    assert "How confident" not in alarms and "Which of these do you have at home?" in alarms, alarms
    stack.say(sender, '/choose{"option":"smoke_alarm"}')
    done = stack.say(sender, '/choose{"option":"escape_plan"}')
    assert "/affirm" in buttons(done)  # "Done"
    stack.say(sender, "/affirm")
    stack.say(sender, '/choose{"option":"house_fires"}')
    first = stack.say(sender, '/choose{"option":"road_crashes"}')
    assert '/choose{"option":"100"}' in buttons(first)
    stack.say(sender, '/choose{"option":"40"}')
    too_many = _joined(stack.say(sender, '/choose{"option":"70"}'))
    assert "You have 60 points left" in too_many, too_many
    stack.say(sender, '/choose{"option":"30"}')
    last = _joined(stack.say(sender, '/choose{"option":"20"}'))  # the last option gets what is left
    assert "How safe from fire" in last, last
    stack.say(sender, '/choose{"option":"very_safe"}')
    return _joined(stack.say(sender, "/skip"))


def test_every_kind_pressed_then_changed_seen_counted_and_erased(consultation: Stack) -> None:
    fire_stack = consultation
    sender = _resident()
    summary = _complete_with_buttons(fire_stack, sender)
    assert "Preparing for floods and wildfires: 10" in summary and "(not answered)" in summary, summary
    fire_stack.say(sender, "/affirm")
    stored = _stored(fire_stack, sender)
    assert stored is not None and "evacuation" not in stored and "ideas" not in stored
    assert stored["budget"] == {"response": 40, "prevention": 30, "protection": 20, "resilience": 10}

    which = fire_stack.say(sender, "change my answers")
    assert '/choose{"option":"home"}' in buttons(which), which
    fire_stack.say(sender, '/choose{"option":"home"}')
    asked = _joined(fire_stack.say(sender, "high rise flat"))  # now the show_if question applies
    assert "How confident are you" in asked, asked
    summary = _joined(fire_stack.say(sender, '/choose{"option":"unsure"}'))
    assert "I'm not sure" in summary, summary
    assert any("replace the answers you gave before" in t for t in texts(fire_stack.say(sender, "yes")))
    changed = _stored(fire_stack, sender)
    assert changed is not None and changed["home"] == "flat_high" and changed["evacuation"] == "unsure"

    held = _joined(fire_stack.say(sender, "what do you hold about me"))
    assert "A flat in a block of 6 floors or more" in held and "Inspecting buildings and businesses: 20" in held

    results = _results(fire_stack)
    assert results["survey"] == "fire-community-risk-2027" and results["respondents"] >= 1
    assert results["questions"]["budget"]["kind"] == "points" and "agree" not in results["questions"]
    assert "flat_high" in results["by"]["groups"]

    before = _results(fire_stack)["respondents"]
    fire_stack.say(sender, "delete my data")
    assert any("have been deleted" in t for t in texts(fire_stack.say(sender, "/affirm")))
    assert _stored(fire_stack, sender) is None
    assert _results(fire_stack)["respondents"] == before - 1


def test_a_required_question_cannot_be_skipped_and_an_optional_one_can(fire_stack: Stack) -> None:
    sender = _resident()
    fire_stack.say(sender, "/start_survey")
    fire_stack.say(sender, "/affirm")
    refused = _joined(fire_stack.say(sender, "/skip"))
    assert "needs an answer" in refused and "Where do you live?" in refused, refused
    fire_stack.say(sender, "coast")
    fire_stack.say(sender, "bungalow")
    assert "Which two risks" in _joined(fire_stack.say(sender, "/skip"))  # the optional multiple choice
