"""Storing answers: one current response per respondent per consultation, idempotent submissions, access, erasure.

Public API (stable): `Submission`, `Receipt`, `submit_response(db, submission)`, `store_response(connection, ...)`,
`stored_answers(db, respondent, definition)`, `respondent_data(db, respondent)` (JSON for a subject access request,
every consultation), `forget_respondent(db, respondent)` (every consultation)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite

from survey import tallies
from survey.answers import Answers, AnswerValue
from survey.database import Database
from survey.definition import QuestionKind, SurveyDefinition
from survey.models import Answer, Response, SeenSubmission
from survey.tallies import AnswerRow

CHANNEL = re.compile(r"^[a-z][a-z0-9_-]{0,19}$")
MAX_KEY = 128
ANSWERS_QMARK = "INSERT INTO answers (response_id, question, item, option, number, text) VALUES (?, ?, ?, ?, ?, ?)"
ANSWERS_FORMAT = ANSWERS_QMARK.replace("?", "%s")


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
    definition: SurveyDefinition  # the consultation answered
    notice_version: str
    answers: Answers  # from survey.answers.check_answers
    key: str
    submitted_at: dt.datetime | None = None  # when the answers were given; default: now


@dataclass(frozen=True)
class StoredResponse:
    """A respondent's current answers to one consultation, as stored."""

    survey_id: str
    notice_version: str
    channel: str
    answers: Answers
    submitted_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class Prepared:
    """What a submission writes, worked out before the write transaction (SQLite has one writer at a time: the
    less Python inside it, the more submissions per second)."""

    submitted_at: dt.datetime
    rows: list[AnswerRow]
    cells: dict[tallies.Cell, tallies.Sums]
    tally_rows: list[tuple[Any, ...]]  # the cells as rows, for a first response (nothing to subtract)


def prepare(submission: Submission) -> Prepared:
    if not CHANNEL.match(submission.channel):
        raise ValueError(f"invalid channel {submission.channel!r}")
    if not submission.key or len(submission.key) > MAX_KEY:
        raise ValueError("an idempotency key of 1 to 128 characters is required")
    definition = submission.definition
    submitted_at = as_utc(submission.submitted_at) if submission.submitted_at else utc_now()
    rows = answer_rows(definition, submission.answers)
    cells = tallies.response_cells(definition, rows, submission.channel, submitted_at.date())
    return Prepared(submitted_at, rows, cells, tallies.tally_rows(definition.id, cells))


def submit_response(db: Database, submission: Submission) -> Receipt:
    """Store a respondent's answers (replacing earlier ones) unless this key was seen; acknowledged after commit."""
    prepared = prepare(submission)
    with db.write() as connection:
        return store_response(connection, submission, prepared)


def store_response(connection: Connection, submission: Submission, prepared: Prepared | None = None) -> Receipt:
    """The same, inside a write transaction the caller owns (an import stores a whole file in one)."""
    prepared = prepared or prepare(submission)
    now = utc_now()
    statements = _statements(connection.dialect.name)
    if connection.execute(statements.seen, {"key": submission.key, "seen_at": now}).scalar_one_or_none() is None:
        return Receipt(stored=False, replaced=False)
    definition = submission.definition
    if connection.dialect.name == "postgresql":  # two submissions of one resident at once: the second waits and
        # then sees the first (SQLite writers are serialised already), so no answers or tallies are left behind
        connection.execute(statements.lock, {"key": f"{definition.id}:{submission.respondent}"})
    old = _current(connection, definition.id, submission.respondent)
    values = {
        "respondent": submission.respondent,
        "survey_id": definition.id,
        "notice_version": submission.notice_version,
        "channel": submission.channel,
        "submitted_at": prepared.submitted_at,
        "updated_at": now,
    }
    if old is not None:
        connection.execute(delete(Answer).where(Answer.response_id == old.id))
    response_id = connection.execute(statements.upsert, values).scalar_one()
    if prepared.rows:  # plain tuples: per-row ORM parameter handling would cost more than the insert
        insert_answers = ANSWERS_QMARK if connection.dialect.name == "sqlite" else ANSWERS_FORMAT
        rows = [(response_id, r.question, r.item, r.option, r.number, r.text) for r in prepared.rows]
        connection.exec_driver_sql(insert_answers, rows)
    if old is None:
        tallies.write_rows(connection, prepared.tally_rows)
    else:
        changes: dict[tallies.Cell, tallies.Sums] = {}
        tallies.add_cells(changes, tallies.response_cells(definition, old.rows, old.channel, old.day), -1)
        tallies.add_cells(changes, prepared.cells, 1)
        tallies.apply(connection, definition.id, changes)
    return Receipt(stored=True, replaced=old is not None)


def stored_answers(db: Database, respondent: str, definition: SurveyDefinition) -> StoredResponse | None:
    """A respondent's current answers to this consultation (for the conversation's summary and /mydata)."""
    with db.read() as session:
        row = session.scalar(
            select(Response).where(Response.survey_id == definition.id, Response.respondent == respondent)
        )
        if row is None:
            return None
        rows = _rows(session.connection(), row.id)
    return StoredResponse(
        survey_id=row.survey_id,
        notice_version=row.notice_version,
        channel=row.channel,
        answers=answers_from_rows(definition, rows),
        submitted_at=as_utc(row.submitted_at),
        updated_at=as_utc(row.updated_at),
    )


def respondent_data(db: Database, respondent: str) -> dict[str, Any] | None:
    """Everything stored about a respondent, every consultation, for a subject access request (None: nothing)."""
    with db.read() as session:
        responses = session.scalars(
            select(Response).where(Response.respondent == respondent).order_by(Response.submitted_at)
        ).all()
        found = [(row, _rows(session.connection(), row.id)) for row in responses]
    if not found:
        return None
    return {
        "responses": [
            {
                "survey": row.survey_id,
                "privacy_notice_version": row.notice_version,
                "channel": row.channel,
                "answers": _plain_answers(rows),
                "submitted_at": as_utc(row.submitted_at).isoformat(),
                "updated_at": as_utc(row.updated_at).isoformat(),
            }
            for row, rows in found
        ]
    }


def stored_respondents(db: Database) -> list[str]:
    """The respondent of every stored response, one entry per response (audits, and the fault tests' counts)."""
    with db.read() as session:
        return list(session.scalars(select(Response.respondent)))


def forget_respondent(db: Database, respondent: str) -> bool:
    """Erase a respondent's answers to every consultation; True if there was anything to erase."""
    from survey.consultations import stored_definition  # consultations builds on this module

    with db.write() as connection:
        ids = connection.execute(select(Response.id).where(Response.respondent == respondent)).scalars().all()
        for response_id in ids:
            remove_response(connection, response_id, stored_definition)
        return bool(ids)


def remove_response(connection: Connection, response_id: int, definitions: Any) -> None:
    """Delete one response, its answers and its share of the tallies. `definitions(connection, survey_id)` gives the
    definition its tallies were counted under."""
    response = connection.execute(
        select(Response.survey_id, Response.channel, Response.submitted_at).where(Response.id == response_id)
    ).one()
    definition: SurveyDefinition | None = definitions(connection, response.survey_id)
    if definition is not None:
        rows = _rows(connection, response_id)
        cells = tallies.response_cells(definition, rows, response.channel, tallies.utc_day(response.submitted_at))
        changes: dict[tallies.Cell, tallies.Sums] = {}
        tallies.add_cells(changes, cells, -1)
        tallies.apply(connection, response.survey_id, changes)
    connection.execute(delete(Answer).where(Answer.response_id == response_id))
    connection.execute(delete(Response).where(Response.id == response_id))


def answer_rows(definition: SurveyDefinition, answers: Answers) -> list[AnswerRow]:
    """Answers as rows: a choice one row, multi and ranking one per option (ranking: item = place), points one per
    option, a text one row."""
    rows: list[AnswerRow] = []
    for question in definition.asked_questions():
        value = answers.get(question.id)
        if value is None:
            continue
        if question.kind is QuestionKind.TEXT:
            rows.append(AnswerRow(question.id, 0, text=str(value)))
        elif isinstance(value, dict):
            rows += [AnswerRow(question.id, i, o, value[o]) for i, o in enumerate(question.option_ids())]
        elif isinstance(value, tuple):
            rows += [AnswerRow(question.id, place, option) for place, option in enumerate(value, start=1)]
        else:
            rows.append(AnswerRow(question.id, 0, value))
    return rows


def answers_from_rows(definition: SurveyDefinition, rows: Iterable[AnswerRow]) -> Answers:
    by_question: dict[str, list[AnswerRow]] = {}
    for row in sorted(rows, key=lambda r: (r.question, r.item)):
        by_question.setdefault(row.question, []).append(row)
    values: dict[str, AnswerValue] = {}
    for question in definition.asked_questions():
        found = by_question.get(question.id)
        if not found:
            continue
        if question.kind is QuestionKind.TEXT:
            values[question.id] = found[0].text or ""
        elif question.kind is QuestionKind.POINTS:
            values[question.id] = {r.option or "": r.number or 0 for r in found}
        elif question.kind in (QuestionKind.MULTI, QuestionKind.RANKING):
            values[question.id] = tuple(r.option or "" for r in found)
        else:
            values[question.id] = found[0].option or ""
    return Answers(values)


def _plain_answers(rows: list[AnswerRow]) -> dict[str, Any]:
    """Stored rows as JSON, without needing the definition (a past consultation's answers too)."""
    plain: dict[str, Any] = {}
    for row in sorted(rows, key=lambda r: (r.question, r.item)):
        if row.text is not None:
            plain[row.question] = row.text
        elif row.number is not None:
            plain.setdefault(row.question, {})[row.option] = row.number
        else:
            plain.setdefault(row.question, []).append(row.option)
    return {q: v[0] if isinstance(v, list) and len(v) == 1 else v for q, v in plain.items()}


@dataclass(frozen=True)
class _Current:
    id: int
    channel: str
    day: dt.date
    rows: list[AnswerRow]


def _current(connection: Connection, survey_id: str, respondent: str) -> _Current | None:
    found = connection.execute(
        _statements(connection.dialect.name).existing, {"survey_id": survey_id, "respondent": respondent}
    ).first()
    if found is None:
        return None
    return _Current(found.id, found.channel, tallies.utc_day(found.submitted_at), _rows(connection, found.id))


def _rows(connection: Connection, response_id: int) -> list[AnswerRow]:
    query = select(Answer.question, Answer.item, Answer.option, Answer.number, Answer.text).where(
        Answer.response_id == response_id
    )
    return [AnswerRow(*row) for row in connection.execute(query)]


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
    lock: Any


@functools.cache
def _statements(dialect: str) -> _Statements:
    insert_ = postgresql.insert if dialect == "postgresql" else sqlite.insert
    seen_table, responses = cast(Table, SeenSubmission.__table__), cast(Table, Response.__table__)
    upsert = insert_(responses)
    keys = ("survey_id", "respondent")
    updated = {c.name: upsert.excluded[c.name] for c in responses.columns if c.name not in ("id", *keys)}
    return _Statements(
        seen=insert_(seen_table).on_conflict_do_nothing().returning(seen_table.c.key),
        existing=select(responses.c.id, responses.c.channel, responses.c.submitted_at).where(
            responses.c.survey_id == bindparam("survey_id"), responses.c.respondent == bindparam("respondent")
        ),
        upsert=upsert.on_conflict_do_update(index_elements=list(keys), set_=updated).returning(responses.c.id),
        lock=text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
    )
