"""Storing answers: one current response per respondent, idempotent submissions, access and erasure."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from survey.answers import Answers
from survey.database import Database
from survey.models import Response, SeenSubmission

CHANNEL = re.compile(r"^[a-z][a-z0-9_-]{0,19}$")
MAX_KEY = 128


@dataclass(frozen=True)
class Receipt:
    """Given only after the transaction committed."""

    stored: bool  # False: this idempotency key was seen before and nothing changed
    replaced: bool  # True: earlier answers of this respondent were replaced


@dataclass(frozen=True)
class Submission:
    """One resident's answers as submitted, with the idempotency key that makes a retry harmless."""

    respondent: str  # the pseudonym, never a raw id
    channel: str
    survey_id: str
    notice_version: str
    answers: Answers
    key: str
    submitted_at: dt.datetime | None = None  # when the answers were given; default: now


def submit_response(db: Database, submission: Submission) -> Receipt:
    """Store a respondent's answers (replacing earlier ones) unless this key was seen; acknowledged after commit."""
    with db.write() as connection:
        return store_response(connection, submission)


def store_response(connection: Connection, submission: Submission) -> Receipt:
    """The same, inside a write transaction the caller owns (an import stores a whole file in one)."""
    respondent, channel, answers, key = submission.respondent, submission.channel, submission.answers, submission.key
    if not CHANNEL.match(channel):
        raise ValueError(f"invalid channel {channel!r}")
    if not key or len(key) > MAX_KEY:
        raise ValueError("an idempotency key of 1 to 128 characters is required")
    now = utc_now()
    values: dict[str, Any] = {
        "respondent": respondent,
        "survey_id": submission.survey_id,
        "notice_version": submission.notice_version,
        "channel": channel,
        "district": answers.district,
        "age_band": answers.age_band,
        "priority_1": answers.priorities[0],
        "priority_2": answers.priorities[1],
        "priority_3": answers.priorities[2],
        "facial_recognition": answers.facial_recognition,
        "comment": answers.comment,
        "submitted_at": as_utc(submission.submitted_at) if submission.submitted_at else now,
        "updated_at": now,
    }
    statements = _statements(connection.dialect.name)
    if connection.execute(statements.seen, {"key": key, "seen_at": now}).scalar_one_or_none() is None:
        return Receipt(stored=False, replaced=False)
    replaced = connection.execute(statements.existing, {"respondent": respondent}).first() is not None
    connection.execute(statements.upsert, values)
    return Receipt(stored=True, replaced=replaced)


def respondent_data(db: Database, respondent: str) -> dict[str, Any] | None:
    """Everything stored about a respondent, for a subject access request."""
    with db.read() as session:
        row = session.scalar(select(Response).where(Response.respondent == respondent))
        if row is None:
            return None
        return {
            "survey": row.survey_id,
            "privacy_notice_version": row.notice_version,
            "channel": row.channel,
            "district": row.district,
            "age_band": row.age_band,
            "priorities": [row.priority_1, row.priority_2, row.priority_3],
            "facial_recognition": row.facial_recognition,
            "comment": row.comment,
            "submitted_at": as_utc(row.submitted_at).isoformat(),
            "updated_at": as_utc(row.updated_at).isoformat(),
        }


def stored_respondents(db: Database) -> list[str]:
    """The respondent of every stored response, one entry per response (audits, and the fault tests' counts)."""
    with db.read() as session:
        return list(session.scalars(select(Response.respondent)))


def forget_respondent(db: Database, respondent: str) -> bool:
    """Erase a respondent's answers; True if there was anything to erase."""
    with db.write() as connection:
        return connection.execute(delete(Response).where(Response.respondent == respondent)).rowcount > 0


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back without their zone; everything is stored in UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


@dataclass(frozen=True)
class _Statements:
    seen: Any
    existing: Any
    upsert: Any


@functools.cache
def _statements(dialect: str) -> _Statements:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    seen_table, responses = cast(Table, SeenSubmission.__table__), cast(Table, Response.__table__)
    upsert = insert(responses)
    updated = {c.name: upsert.excluded[c.name] for c in responses.columns if c.name not in ("id", "respondent")}
    return _Statements(
        seen=insert(seen_table).on_conflict_do_nothing().returning(seen_table.c.key),
        existing=select(responses.c.id).where(responses.c.respondent == bindparam("respondent")),
        upsert=upsert.on_conflict_do_update(index_elements=["respondent"], set_=updated),
    )
