"""Retention: answers and idempotency keys older than the retention period are deleted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete

from survey.database import Database
from survey.models import Response, SeenSubmission
from survey.store import utc_now


@dataclass(frozen=True)
class Purged:
    responses: int
    submission_keys: int


def purge_older_than(db: Database, days: float) -> Purged:
    """Delete responses last changed, and submission keys seen, more than `days` days ago."""
    cutoff = utc_now() - dt.timedelta(days=days)
    with db.write() as connection:
        responses = connection.execute(delete(Response).where(Response.updated_at < cutoff)).rowcount
        keys = connection.execute(delete(SeenSubmission).where(SeenSubmission.seen_at < cutoff)).rowcount
    return Purged(responses, keys)
