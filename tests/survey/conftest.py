"""Storage tests run against a real SQLite file and a real PostgreSQL database (skipped, saying so, when no
PostgreSQL server answers on 127.0.0.1:5432)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from survey.config import SurveyConfig
from survey.definition import default_definition_path
from survey.service import Survey, open_survey

POSTGRES_ADMIN = os.environ.get("CONSULT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
PEPPER = b"p" * 32


@pytest.fixture(scope="session")
def postgres_server() -> str | None:
    try:
        with psycopg.connect(POSTGRES_ADMIN, connect_timeout=3):
            return POSTGRES_ADMIN
    except psycopg.OperationalError:
        return None


@pytest.fixture
def postgres_url(postgres_server: str | None) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    if postgres_server is None:
        pytest.skip("PostgreSQL is not answering on 127.0.0.1:5432: PostgreSQL variant skipped")
    name = f"consult_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_server.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'consult.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


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
