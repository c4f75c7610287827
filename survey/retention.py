"""Retention: answers and idempotency keys older than the retention period are deleted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select

from survey.consultations import stored_definition
from survey.database import Database
from survey.models import SeenSubmission, SurveyResponse
from survey.store import remove_response, utc_now


@dataclass(frozen=True)
class Purged:
    responses: int
    submission_keys: int


def purge_older_than(db: Database, days: float) -> Purged:
    """Delete responses last changed, and submission keys seen, more than `days` days ago (every consultation;
    their share of the tallies goes with them)."""
    cutoff = utc_now() - dt.timedelta(days=days)
    with db.write() as connection:
        expired = (
            connection.execute(select(SurveyResponse.id).where(SurveyResponse.updated_at < cutoff)).scalars().all()
        )
        for response_id in expired:
            remove_response(connection, response_id, stored_definition)
        keys = connection.execute(delete(SeenSubmission).where(SeenSubmission.seen_at < cutoff)).rowcount
    return Purged(len(expired), keys)
