"""The SQLite write path: a write transaction is on disk before it returns, with its sync outside the writers' lock."""

from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from survey.database import Database, upgrade_schema
from survey.service import Survey, open_survey
from tests.survey.conftest import essex, submit, survey_config


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "consult.db"


def _lock_is_free(path: Path) -> bool:
    descriptor = os.open(f"{path}.write-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)  # closing releases a lock this test took
    return True


def test_a_submission_is_synced_to_disk_after_it_commits_and_before_it_is_acknowledged(
    sqlite_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{sqlite_path}"
    upgrade_schema(url)
    survey: Survey = open_survey(survey_config(url))
    synced: list[tuple[str, bool, int]] = []  # (file, writers' lock free, keys committed) at each sync
    real_fsync = os.fsync

    def recording_fsync(descriptor: int) -> None:
        reader = sqlite3.connect(sqlite_path)
        committed = reader.execute("SELECT count(*) FROM seen_submissions").fetchone()[0]
        reader.close()
        synced.append((os.readlink(f"/proc/self/fd/{descriptor}"), _lock_is_free(sqlite_path), committed))
        real_fsync(descriptor)

    monkeypatch.setattr("survey.database.os.fsync", recording_fsync)
    assert submit(survey, "telegram", "1001", essex(survey), "key-1")
    assert synced == [(f"{sqlite_path}-wal", True, 1)]  # the WAL holding the commit, synced outside the lock
    survey.db.dispose()  # the last connection closes: SQLite deletes the WAL
    synced.clear()
    assert submit(survey, "telegram", "1002", essex(survey), "key-2")
    # a new WAL: its directory entry is synced too, once
    assert synced == [(f"{sqlite_path}-wal", True, 2), (str(sqlite_path.parent), True, 2)]
    with survey.db.read() as session:  # the pooled connection is back to FULL for anything else
        assert session.execute(text("PRAGMA synchronous")).scalar_one() == 2
    survey.db.dispose()


def test_a_failed_write_is_not_synced_and_leaves_the_connection_at_full(
    sqlite_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database(f"sqlite:///{sqlite_path}")
    synced: list[int] = []
    monkeypatch.setattr("survey.database.os.fsync", synced.append)
    with pytest.raises(RuntimeError), db.write() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
        raise RuntimeError("the caller gave up")
    assert synced == []
    with db.read() as session:
        assert session.execute(text("PRAGMA synchronous")).scalar_one() == 2
        assert session.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 't'")).scalar_one() == 0
    db.dispose()


def test_a_database_reached_through_a_symlink_syncs_the_wal_sqlite_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "disk" / "consult.db"
    real.parent.mkdir()
    link = tmp_path / "consult.db"
    link.symlink_to(real)
    url = f"sqlite:///{link}"
    upgrade_schema(url)
    survey = open_survey(survey_config(url))
    synced: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(descriptor: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        real_fsync(descriptor)

    monkeypatch.setattr("survey.database.os.fsync", recording_fsync)
    assert submit(survey, "telegram", "1001", essex(survey), "key-1")
    assert synced[0] == f"{real}-wal"
    survey.db.dispose()


def test_a_write_that_cannot_get_the_database_fails_as_sqlalchemy_reports_it(
    sqlite_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Callers catch SQLAlchemyError to tell the resident to try again: a busy database must not escape as sqlite3's."""
    monkeypatch.setattr("survey.database.BUSY_TIMEOUT_MS", 50)
    db = Database(f"sqlite:///{sqlite_path}")
    with db.read() as session:
        session.execute(text("SELECT 1"))  # the file exists, in WAL mode
    other = sqlite3.connect(sqlite_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        with pytest.raises(OperationalError, match="locked"), db.write() as connection:
            connection.execute(text("SELECT 1"))
    finally:
        other.execute("ROLLBACK")
        other.close()
        db.dispose()
