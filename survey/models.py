"""The survey store's tables. Only what the consultation needs: no names, raw ids, IP addresses or phone numbers.

A response and its answers are stored generically (one row per answered option), so any survey fits without a schema
change. `tallies` holds the running counts the results read (kept in the same transaction as every change), so
results take the same time over a million responses as over a hundred."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ANSWER = 40  # question and option ids are at most 40 characters
SURVEY = 80


class Base(DeclarativeBase):
    pass


class Consultation(Base):
    """Every definition a consultation ran under, so its answers stay readable after the file changes."""

    __tablename__ = "consultations"
    __table_args__ = (PrimaryKeyConstraint("survey_id", "digest"),)

    survey_id: Mapped[str] = mapped_column(String(SURVEY))
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the definition's canonical JSON
    definition: Mapped[str] = mapped_column(Text)  # canonical JSON
    first_used_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SurveyResponse(Base):
    """A respondent's current answers to one consultation: replaced when they answer again."""

    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("survey_id", "respondent", name="responses_one_per_respondent"),
        Index("responses_respondent", "respondent"),
        Index("responses_by_time", "survey_id", "submitted_at", "channel"),
        Index("responses_by_update", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The pseudonym (survey/pseudonyms.py): HMAC-SHA256 under a secret pepper of the channel and the sender id (for a
    # conversation itself keyed by the pepper) or the id an import gives; one current response per consultation.
    respondent: Mapped[str] = mapped_column(String(64))
    survey_id: Mapped[str] = mapped_column(String(SURVEY))
    notice_version: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Answer(Base):
    """One answered option (or a text): a choice is one row, a ranking one row per place, points one per option."""

    __tablename__ = "answers"
    __table_args__ = (
        PrimaryKeyConstraint("response_id", "question", "item"),
        # An option appears once per answer: a ranking cannot name the same option twice (NULLs, texts, differ).
        UniqueConstraint("response_id", "question", "option", name="answers_option_once"),
        {"sqlite_with_rowid": False},
    )

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(ANSWER))
    item: Mapped[int] = mapped_column(Integer)  # ranking: the place (1 = first); otherwise the option's order
    option: Mapped[str | None] = mapped_column(String(ANSWER))
    number: Mapped[int | None] = mapped_column(Integer)  # points given to the option
    text: Mapped[str | None] = mapped_column(Text)  # redacted before storing; never in public outputs


class Tally(Base):
    """Running totals of the answers per consultation, channel, day and breakdown group (a cache of `answers`:
    `survey.tallies.rebuild` recomputes it). Empty strings mark the overall figures and the respondent count."""

    __tablename__ = "tallies"
    __table_args__ = (
        PrimaryKeyConstraint("survey_id", "by_question", "grp", "question", "option", "item", "channel", "day"),
        {"sqlite_with_rowid": False},  # the key is the table: one B-tree to update per change, not two
    )

    survey_id: Mapped[str] = mapped_column(String(SURVEY))
    by_question: Mapped[str] = mapped_column(String(ANSWER))  # '' overall, else a breakdown question
    grp: Mapped[str] = mapped_column(String(ANSWER))  # the breakdown answer ('' not answered)
    question: Mapped[str] = mapped_column(String(ANSWER))  # '' the respondents themselves
    option: Mapped[str] = mapped_column(String(ANSWER))  # '' those who answered the question
    item: Mapped[int] = mapped_column(Integer)  # ranking place, else 0
    channel: Mapped[str] = mapped_column(String(20))
    day: Mapped[dt.date] = mapped_column(Date)  # the UTC day the answers were given
    count: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)  # points: sum of points given
    squares: Mapped[int] = mapped_column(BigInteger)  # points: sum of squared points (for the interval)


class SeenSubmission(Base):
    """Idempotency keys already processed, so a retried or re-delivered submission is stored once.

    Deliberately not linked to a respondent: keys survive erasure, so a late retry cannot bring erased answers back.
    """

    __tablename__ = "seen_submissions"

    # The submission key (the chat's message id, a Telegram update, an import row, hashed with the sender by
    # bot.actions.common.submission_key); the column keeps its first name.
    submission_key: Mapped[str] = mapped_column("key", String(128), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class Official(Base):
    """A dashboard account."""

    __tablename__ = "officials"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
