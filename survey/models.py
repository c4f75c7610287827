"""The survey store's tables. Only what the consultation needs: no names, raw ids, IP addresses or phone numbers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, Index, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ANSWER = 40  # option ids are at most 40 characters
RANKING = ("priority_1", "priority_2", "priority_3")


class Base(DeclarativeBase):
    pass


class Response(Base):
    """A respondent's current answers: one row per respondent, replaced when they answer again."""

    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint(
            "priority_1 <> priority_2 AND priority_1 <> priority_3 AND priority_2 <> priority_3",
            name="priorities_differ",
        ),
        # Covering indexes, in GROUP BY order: each results query is one streaming index scan.
        Index("responses_district_ranking", "survey_id", "district", *RANKING),
        Index("responses_district_facial", "survey_id", "district", "facial_recognition"),
        Index("responses_age_ranking", "survey_id", "age_band", *RANKING),
        Index("responses_age_facial", "survey_id", "age_band", "facial_recognition"),
        Index("responses_by_time", "survey_id", "submitted_at", "channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # HMAC-SHA256 of channel and channel user id under a secret pepper; unique: one current response per respondent.
    respondent: Mapped[str] = mapped_column(String(64), unique=True)
    survey_id: Mapped[str] = mapped_column(String(80))
    notice_version: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20))
    district: Mapped[str | None] = mapped_column(String(ANSWER))
    age_band: Mapped[str | None] = mapped_column(String(ANSWER))
    priority_1: Mapped[str] = mapped_column(String(ANSWER))
    priority_2: Mapped[str] = mapped_column(String(ANSWER))
    priority_3: Mapped[str] = mapped_column(String(ANSWER))
    facial_recognition: Mapped[str | None] = mapped_column(String(ANSWER))
    comment: Mapped[str | None] = mapped_column(Text)  # redacted before storing; never in public outputs
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SeenSubmission(Base):
    """Idempotency keys already processed, so a retried or re-delivered submission is stored once.

    Deliberately not linked to a respondent: keys survive erasure, so a late retry cannot bring erased answers back.
    """

    __tablename__ = "seen_submissions"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class Official(Base):
    """A dashboard account."""

    __tablename__ = "officials"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
