from __future__ import annotations

import pytest

from index.evaluation import load_questions
from index.triage import Triage, triage

EXPECTED = {"emergency": Triage.EMERGENCY, "crime_report": Triage.CRIME_REPORT, "refuse": Triage.VOTE_ADVICE}


@pytest.mark.parametrize("question", load_questions(), ids=lambda q: q.id)
def test_labelled_messages_are_triaged_as_labelled(question) -> None:  # type: ignore[no-untyped-def]
    assert triage(question.question) == EXPECTED.get(question.expect)


@pytest.mark.parametrize(
    "message",
    [
        "HELP there's someone breaking into my flat",
        "help!",
        "help me please",
        "my ex is outside with a knife threatening to kill me",
        "a man is being beaten up outside the pub now",
        "car crash on the A127, driver trapped and bleeding",
    ],
)
def test_emergencies_in_progress(message: str) -> None:
    assert triage(message) is Triage.EMERGENCY


@pytest.mark.parametrize(
    "message",
    [
        "what is the plan for knife crime?",
        "how many knives were seized",
        "who is the police and crime commissioner",
        "help me understand the police plan",
        "help",  # how to use the assistant
        "Help?",
        "what did the news say about the Westminster Bridge attack",
        "who supports more special constables?",
        "what happens to officers who abuse their position",
    ],
)
def test_questions_about_crime_are_not_emergencies_or_reports(message: str) -> None:
    assert triage(message) is None


@pytest.mark.parametrize("message", ["my bike was stolen from the station yesterday", "how do I report a burglary?"])
def test_crime_reports(message: str) -> None:
    assert triage(message) is Triage.CRIME_REPORT


@pytest.mark.parametrize("message", ["Who should I vote for?", "which candidate is best on crime", "just pick one"])
def test_requests_for_voting_advice(message: str) -> None:
    assert triage(message) is Triage.VOTE_ADVICE
