"""Fresh PostgreSQL databases for tests and benchmarks (the server on 127.0.0.1:5432, trust auth)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest

ADMIN = os.environ.get("CONSULT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
SERVER = ADMIN.rsplit("/", 1)[0]


def answers() -> bool:
    try:
        with psycopg.connect(ADMIN, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def required() -> None:
    """Tests that need PostgreSQL fail, never skip, when it is missing: CI must not stay green without it."""
    if not answers():
        pytest.fail(
            f"PostgreSQL is not answering at {SERVER} (start it: pg_ctlcluster --skip-systemctl-redirect "
            "$(ls /etc/postgresql) main start; .ci/run does this)",
            pytrace=False,
        )


@contextmanager
def fresh_databases(count: int = 1, prefix: str = "consult_test") -> Iterator[list[str]]:
    """`count` new, empty databases, dropped afterwards."""
    names = [f"{prefix}_{uuid.uuid4().hex[:12]}" for _ in range(count)]
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield names
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def app_url(name: str) -> str:
    """For our code (SQLAlchemy with psycopg 3)."""
    return SERVER.replace("postgresql://", "postgresql+psycopg://") + f"/{name}"


def rasa_url(name: str) -> str:
    """For Rasa's tracker store (SQLAlchemy 1.4 with psycopg2)."""
    return f"{SERVER}/{name}"
