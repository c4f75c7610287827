"""Storing answers: one current response per respondent per consultation, idempotent submissions, access, erasure.

Public API (stable): `Submission`, `Receipt`, `submit_response(db, submission)`, `store_response(connection, ...)`,
`stored_answers(db, respondent, definition)`, `respondent_data(db, respondent)` (JSON for a subject access request,
every consultation), `forget_respondent(db, respondent)` (every consultation)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects import sqlite

from survey import tallies
from survey.answers import Answers, AnswerValue
from survey.database import Database, driver_cursor
from survey.definition import QuestionKind, SurveyDefinition
from survey.models import Answer, SurveyResponse
from survey.tallies import AnswerRow

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
    definition: SurveyDefinition  # the consultation answered
    notice_version: str
    answers: Answers  # from survey.answers.check_answers
    submission_key: str  # makes a retry harmless: stored once (SeenSubmission)
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
    answer_values: list[tuple[Any, ...]]  # the answer rows as (question, item, option, number, text)
    cells: dict[tallies.Cell, tallies.Sums]
    tally_writes: list[tallies.Write]  # the cells' statements for `dialect`, for a first response (nothing to subtract)


def prepare(submission: Submission, dialect: str) -> Prepared:
    if not CHANNEL.match(submission.channel):
        raise ValueError(f"invalid channel {submission.channel!r}")
    if not submission.submission_key or len(submission.submission_key) > MAX_KEY:
        raise ValueError("an idempotency key of 1 to 128 characters is required")
    definition = submission.definition
    submitted_at = as_utc(submission.submitted_at) if submission.submitted_at else utc_now()
    rows = answer_rows(definition, submission.answers)
    cells = tallies.response_cells(definition, rows, submission.channel, submitted_at.date())
    values = [(r.question, r.item, r.option, r.number, r.text) for r in rows]
    tally_writes = tallies.writes(dialect, tallies.tally_rows(definition.id, cells))
    return Prepared(submitted_at, values, cells, tally_writes)


def submit_response(db: Database, submission: Submission) -> Receipt:
    """Store a respondent's answers (replacing earlier ones) unless this key was seen; acknowledged after commit."""
    prepared = prepare(submission, db.engine.dialect.name)
    with db.write() as connection:
        return store_response(connection, submission, prepared)


def store_response(connection: Connection, submission: Submission, prepared: Prepared | None = None) -> Receipt:
    """The same, inside a write transaction the caller owns (an import stores a whole file in one).

    Written with the driver's own cursor: SQLAlchemy's per-statement work would double the time SQLite's single writer
    holds the write lock."""
    prepared = prepared or prepare(submission, connection.dialect.name)
    sql = _driver_sql(connection.dialect.name)
    with driver_cursor(connection) as cursor:
        return _store(cursor, sql, submission, prepared)


def _store(cursor: Any, sql: _DriverSql, submission: Submission, prepared: Prepared) -> Receipt:
    now = sql.moment(utc_now())
    cursor.execute(sql.seen, (submission.submission_key, now))
    if cursor.rowcount != 1:  # the key was seen before
        return Receipt(stored=False, replaced=False)
    definition = submission.definition
    if sql.lock is not None:  # PostgreSQL: two submissions of one resident at once: the second waits and then sees
        # the first (SQLite writers are serialised already), so no answers or tallies are left behind
        cursor.execute(sql.lock, (f"{definition.id}:{submission.respondent}",))
    cursor.execute(sql.existing, (definition.id, submission.respondent))
    old = cursor.fetchone()
    submitted_at = sql.moment(prepared.submitted_at)
    if old is None:
        cursor.execute(
            sql.insert_response,
            (submission.respondent, definition.id, submission.notice_version, submission.channel, submitted_at, now),
        )
        response_id = cursor.fetchone()[0]
    else:
        response_id = old[0]
        cursor.execute(sql.old_answers, (response_id,))
        old_rows = [AnswerRow(*row) for row in cursor.fetchall()]
        cursor.execute(sql.delete_answers, (response_id,))
        cursor.execute(
            sql.update_response, (submission.notice_version, submission.channel, submitted_at, now, response_id)
        )
    if prepared.answer_values:
        cursor.executemany(sql.insert_answers, [(response_id, *row) for row in prepared.answer_values])
    if old is None:
        tallies.run_writes(cursor, prepared.tally_writes)
    else:
        changes: dict[tallies.Cell, tallies.Sums] = {}
        old_cells = tallies.response_cells(definition, old_rows, old[1], sql.day(old[2]))
        tallies.add_cells(changes, old_cells, -1)
        tallies.add_cells(changes, prepared.cells, 1)
        tallies.run_writes(cursor, tallies.writes(sql.dialect, tallies.tally_rows(definition.id, changes)))
    return Receipt(stored=True, replaced=old is not None)


def stored_answers(db: Database, respondent: str, definition: SurveyDefinition) -> StoredResponse | None:
    """A respondent's current answers to this consultation (for the conversation's summary and /mydata)."""
    with db.read() as session:
        row = session.scalar(
            select(SurveyResponse).where(
                SurveyResponse.survey_id == definition.id, SurveyResponse.respondent == respondent
            )
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
            select(SurveyResponse).where(SurveyResponse.respondent == respondent).order_by(SurveyResponse.submitted_at)
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
        return list(session.scalars(select(SurveyResponse.respondent)))


def forget_respondent(db: Database, respondent: str) -> bool:
    """Erase a respondent's answers to every consultation; True if there was anything to erase."""
    from survey.consultations import stored_definition  # consultations builds on this module

    with db.write() as connection:
        ids = (
            connection.execute(select(SurveyResponse.id).where(SurveyResponse.respondent == respondent)).scalars().all()
        )
        for response_id in ids:
            remove_response(connection, response_id, stored_definition)
        return bool(ids)


def remove_response(connection: Connection, response_id: int, definitions: Any) -> None:
    """Delete one response, its answers and its share of the tallies. `definitions(connection, survey_id)` gives the
    definition its tallies were counted under."""
    response = connection.execute(
        select(SurveyResponse.survey_id, SurveyResponse.channel, SurveyResponse.submitted_at).where(
            SurveyResponse.id == response_id
        )
    ).one()
    definition: SurveyDefinition | None = definitions(connection, response.survey_id)
    if definition is not None:
        rows = _rows(connection, response_id)
        cells = tallies.response_cells(definition, rows, response.channel, tallies.utc_day(response.submitted_at))
        changes: dict[tallies.Cell, tallies.Sums] = {}
        tallies.add_cells(changes, cells, -1)
        tallies.apply(connection, response.survey_id, changes)
    connection.execute(delete(Answer).where(Answer.response_id == response_id))
    connection.execute(delete(SurveyResponse).where(SurveyResponse.id == response_id))


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


def _same(moment: dt.datetime) -> dt.datetime:
    return moment


def _stored_day(parse: Callable[[Any], Any], stored: Any) -> dt.date:
    return tallies.utc_day(parse(stored))


@dataclass(frozen=True)
class _DriverSql:
    """The store's statements in the driver's own parameter style, and how the driver takes and gives moments."""

    dialect: str
    moment: Callable[[dt.datetime], Any]  # a moment as bound: SQLite stores SQLAlchemy's text form
    day: Callable[[Any], dt.date]  # a stored moment's UTC day
    seen: str
    lock: str | None
    existing: str
    insert_response: str
    update_response: str
    old_answers: str
    delete_answers: str
    insert_answers: str


@functools.cache
def _driver_sql(dialect: str) -> _DriverSql:
    sqlite_ = dialect == "sqlite"
    moment: Callable[[dt.datetime], Any] = _same
    day: Callable[[Any], dt.date] = tallies.utc_day
    if sqlite_:  # the text SQLAlchemy itself writes and reads, so both paths agree
        moment_type, engine_dialect = SurveyResponse.__table__.c.submitted_at.type, sqlite.dialect()
        bind = moment_type.dialect_impl(engine_dialect).bind_processor(engine_dialect)
        result = moment_type.dialect_impl(engine_dialect).result_processor(engine_dialect, None)
        assert bind is not None and result is not None
        moment, day = bind, functools.partial(_stored_day, result)

    def qmark(statement: str) -> str:
        return statement if sqlite_ else statement.replace("?", "%s")

    return _DriverSql(
        dialect=dialect,
        moment=moment,
        day=day,
        seen=qmark("INSERT INTO seen_submissions (key, seen_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"),
        lock=None if sqlite_ else "SELECT pg_advisory_xact_lock(hashtext(%s))",
        existing=qmark("SELECT id, channel, submitted_at FROM responses WHERE survey_id = ? AND respondent = ?"),
        insert_response=qmark(
            "INSERT INTO responses (respondent, survey_id, notice_version, channel, submitted_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id"
        ),
        update_response=qmark(
            "UPDATE responses SET notice_version = ?, channel = ?, submitted_at = ?, updated_at = ? WHERE id = ?"
        ),
        old_answers=qmark("SELECT question, item, option, number, text FROM answers WHERE response_id = ?"),
        delete_answers=qmark("DELETE FROM answers WHERE response_id = ?"),
        insert_answers=qmark(
            "INSERT INTO answers (response_id, question, item, option, number, text) VALUES (?, ?, ?, ?, ?, ?)"
        ),
    )
