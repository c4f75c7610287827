"""Storage tests run against a real SQLite file and a real PostgreSQL database (skipped, saying so, when no
PostgreSQL server answers on 127.0.0.1:5432)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert

from bot.conversations import EVENTS
from survey.answers import Answers, check_answers
from survey.config import SurveyConfig
from survey.definition import default_definition_path
from survey.service import Survey, open_survey
from survey.store import Submission, submit_response
from tests import postgres

PEPPER = b"p" * 32


@pytest.fixture(scope="session")
def postgres_server() -> bool:
    return postgres.answers()


@pytest.fixture
def postgres_url(postgres_server: bool) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    if not postgres_server:
        postgres.required()  # fails the test with how to start PostgreSQL
    with postgres.fresh_databases() as (name,):
        yield postgres.app_url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'consult.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


FIRE = default_definition_path().with_name("fire-community-risk.yaml")


def submit(
    survey: Survey, channel: str, user: str, answers: Answers, key: str, submitted_at: dt.datetime | None = None
) -> bool:
    """A resident's answers stored as a channel would store them; True if stored (False: a repeated key)."""
    submission = Submission(
        respondent=survey.pseudonym_of_sender(channel, user),
        channel=channel,
        definition=survey.definition,
        notice_version="v1",
        answers=answers,
        submission_key=key,
        submitted_at=submitted_at,
    )
    return submit_response(survey.db, submission).stored


def write_rasa_history(url: str, events: Iterable[tuple[str, str, float]]) -> None:
    """(sender id, event type, timestamp) rows, in order, as Rasa's SQL tracker store writes them (its `events`
    table): as if these residents had chatted."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    EVENTS.metadata.create_all(engine)
    rows = [
        {"sender_id": sender, "type_name": kind, "timestamp": moment, "data": "{}"} for sender, kind, moment in events
    ]
    with engine.begin() as connection:
        connection.execute(insert(EVENTS), rows)
    engine.dispose()


def survey_config(database_url: str, definition: Path | None = None) -> SurveyConfig:
    return SurveyConfig(
        database_url=database_url,
        pepper=PEPPER,
        definition_path=definition or default_definition_path(),
        session_secret="s" * 64,
    )


@pytest.fixture
def survey(database_url: str) -> Iterator[Survey]:
    opened = open_survey(survey_config(database_url))
    yield opened
    opened.db.dispose()


@pytest.fixture
def fire(database_url: str) -> Iterator[Survey]:
    """The second shipped consultation (every kind, a show_if, two breakdowns) on the same kinds of database."""
    opened = open_survey(survey_config(database_url, FIRE))
    yield opened
    opened.db.dispose()


def essex(survey: Survey, *priorities: str, **answers: object) -> Answers:
    """Valid answers to the policing survey; keyword arguments replace the defaults."""
    given: dict[str, object] = {
        "district": "harlow",
        "age_band": "25_34",
        "priorities": list(priorities or ("knife_crime", "road_safety", "rural_crime")),
        "facial_recognition": "oppose",
    }
    return check_answers(survey.definition, given | answers)


def fire_answers(survey: Survey, **answers: object) -> Answers:
    """Valid answers to the fire survey; keyword arguments replace the defaults."""
    given: dict[str, object] = {
        "area": "village",
        "home": "flat_high",
        "evacuation": "fairly_confident",
        "alarms": ["smoke_alarm", "co_alarm"],
        "risks": ["flooding", "wildfires"],
        "budget": {"response": 40, "prevention": 30, "protection": 20, "resilience": 10},
        "safety": "fairly_safe",
        "ideas": "More visits to older people",
    }
    return check_answers(survey.definition, given | answers)
