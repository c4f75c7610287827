"""Storing answers: one current response per respondent, idempotent submissions, access and erasure."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

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


def submit_response(
    db: Database,
    *,
    respondent: str,
    channel: str,
    survey_id: str,
    notice_version: str,
    answers: Answers,
    key: str,
    submitted_at: dt.datetime | None = None,
) -> Receipt:
    """Store a respondent's answers (replacing earlier ones) unless this key was seen; acknowledged after commit."""
    with db.write() as session:
        return store_response(
            session,
            respondent=respondent,
            channel=channel,
            survey_id=survey_id,
            notice_version=notice_version,
            answers=answers,
            key=key,
            submitted_at=submitted_at,
        )


def store_response(
    session: Session,
    *,
    respondent: str,
    channel: str,
    survey_id: str,
    notice_version: str,
    answers: Answers,
    key: str,
    submitted_at: dt.datetime | None = None,
) -> Receipt:
    """The same, inside a write transaction the caller owns (an import stores a whole file in one)."""
    if not CHANNEL.match(channel):
        raise ValueError(f"invalid channel {channel!r}")
    if not key or len(key) > MAX_KEY:
        raise ValueError("an idempotency key of 1 to 128 characters is required")
    now = utc_now()
    values: dict[str, Any] = {
        "respondent": respondent,
        "survey_id": survey_id,
        "notice_version": notice_version,
        "channel": channel,
        "district": answers.district,
        "age_band": answers.age_band,
        "priority_1": answers.priorities[0],
        "priority_2": answers.priorities[1],
        "priority_3": answers.priorities[2],
        "facial_recognition": answers.facial_recognition,
        "comment": answers.comment,
        "submitted_at": as_utc(submitted_at) if submitted_at else now,
        "updated_at": now,
    }
    if not _first_sighting(session, key, now):
        return Receipt(stored=False, replaced=False)
    replaced = session.scalar(select(Response.id).where(Response.respondent == respondent)) is not None
    insert = _dialect_insert(session)(Response).values(**values)
    update = {k: v for k, v in values.items() if k != "respondent"}
    session.execute(insert.on_conflict_do_update(index_elements=["respondent"], set_=update))
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


def forget_respondent(db: Database, respondent: str) -> bool:
    """Erase a respondent's answers; True if there was anything to erase."""
    with db.write() as session:
        result = session.execute(delete(Response).where(Response.respondent == respondent))
        return bool(getattr(result, "rowcount", 0))


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back without their zone; everything is stored in UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _first_sighting(session: Session, key: str, now: dt.datetime) -> bool:
    insert = _dialect_insert(session)(SeenSubmission).values(key=key, seen_at=now)
    statement = insert.on_conflict_do_nothing().returning(SeenSubmission.key)
    return session.execute(statement).scalar_one_or_none() is not None


def _dialect_insert(session: Session) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
