"""Running totals of the answers (`tallies`), changed in the same transaction as the answers they count.

A response adds one to its cells: the respondents, each question answered, each option chosen (a ranking's option at
its place; points add their sum and sum of squares), once overall and once within its group for every breakdown
question. Replacing or erasing a response subtracts its old cells. `rebuild` recomputes everything from `answers`."""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Connection, delete, select

from survey.database import driver_cursor
from survey.definition import QuestionKind, SurveyDefinition
from survey.models import Answer, SurveyResponse, Tally

BATCH = 5_000
COLUMNS = 11  # survey_id, the key (by_question, grp, question, option, item, channel, day), count, total, squares
_UPSERT = (
    "INSERT INTO tallies (survey_id, by_question, grp, question, option, item, channel, day, count, total, squares)"
    " VALUES {values} ON CONFLICT (survey_id, by_question, grp, question, option, item, channel, day)"
    " DO UPDATE SET count = tallies.count + excluded.count, total = tallies.total + excluded.total,"
    " squares = tallies.squares + excluded.squares"
)


@dataclass(frozen=True)
class AnswerRow:
    """One stored answer row (see models.Answer)."""

    question: str
    item: int
    option: str | None = None
    number: int | None = None
    text: str | None = None


class Cell(NamedTuple):
    """A tally's key within a consultation, fields in the table's key order (a tuple: hashed and sorted in C, which
    matters for the few dozen cells of every submission)."""

    by_question: str
    grp: str
    question: str
    option: str
    item: int
    channel: str
    day: dt.date


Sums = list[int]  # count, total, squares


def response_cells(
    definition: SurveyDefinition, rows: Iterable[AnswerRow], channel: str, day: dt.date
) -> dict[Cell, Sums]:
    """What one response adds to the tallies."""
    rows = list(rows)
    ranking = {q.id for q in definition.questions if q.kind is QuestionKind.RANKING}
    chosen = {row.question: row.option or "" for row in rows}
    groups = [("", ""), *((q.id, chosen.get(q.id, "")) for q in definition.breakdown_questions())]
    cells: dict[Cell, Sums] = defaultdict(lambda: [0, 0, 0])
    answered = sorted({row.question for row in rows})
    for by_question, grp in groups:
        cells[Cell(by_question, grp, "", "", 0, channel, day)][0] += 1
        for question in answered:
            cells[Cell(by_question, grp, question, "", 0, channel, day)][0] += 1
        for row in rows:
            if row.option is None:
                continue
            item = row.item if row.question in ranking else 0
            sums = cells[Cell(by_question, grp, row.question, row.option, item, channel, day)]
            points = row.number or 0
            sums[0] += 1
            sums[1] += points
            sums[2] += points * points
    return cells


def add_cells(total: dict[Cell, Sums], cells: Mapping[Cell, Sums], sign: int) -> None:
    for cell, (count, points, squares) in cells.items():
        sums = total.setdefault(cell, [0, 0, 0])
        sums[0] += sign * count
        sums[1] += sign * points
        sums[2] += sign * squares


def apply(connection: Connection, survey_id: str, changes: Mapping[Cell, Sums]) -> None:
    """Add the changes to the stored tallies."""
    write_rows(connection, tally_rows(survey_id, changes))


def tally_rows(survey_id: str, changes: Mapping[Cell, Sums]) -> list[tuple[Any, ...]]:
    """The changes as rows to add (COLUMNS), sorted: concurrent writers then lock rows in one order (no deadlock)."""
    return [(survey_id, *cell, *sums) for cell, sums in sorted(changes.items(), key=_cell) if any(sums)]


def write_rows(connection: Connection, rows: list[tuple[Any, ...]]) -> None:
    with driver_cursor(connection) as cursor:
        run_writes(cursor, writes(connection.dialect.name, rows))


@dataclass(frozen=True)
class Write:
    """One statement on the driver's cursor: executed once, or for each parameter row (`many`)."""

    statement: str
    parameters: list[Any]
    many: bool


def writes(dialect: str, rows: list[tuple[Any, ...]]) -> list[Write]:
    """The statements that add these rows (tally_rows) to the stored tallies, as plain parameters worked out before
    the write transaction. SQLAlchemy's per-row parameter handling would cost more than the writes; on SQLite one
    statement of many rows binds and steps faster than an executemany of one-row statements."""
    if dialect != "sqlite":
        return [Write(_upsert(1, "%s"), rows[start : start + BATCH], True) for start in range(0, len(rows), BATCH)]
    text = {day: day.isoformat() for day in {row[7] for row in rows}}  # SQLAlchemy stores SQLite dates as ISO text
    per_statement = _sqlite_rows()
    batches = [rows[start : start + per_statement] for start in range(0, len(rows), per_statement)]
    return [
        Write(_upsert(len(batch), "?"), [value for row in batch for value in (*row[:7], text[row[7]], *row[8:])], False)
        for batch in batches
    ]


def run_writes(cursor: Any, statements: list[Write]) -> None:
    for write in statements:
        if write.many:
            cursor.executemany(write.statement, write.parameters)
        else:
            cursor.execute(write.statement, write.parameters)


@functools.cache
def _sqlite_rows() -> int:
    """Rows per statement on SQLite: within the linked library's limit on parameters (999 before SQLite 3.32)."""
    probe = sqlite3.connect(":memory:")
    try:
        limit = probe.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    finally:
        probe.close()
    return max(1, min(2_000, limit // COLUMNS))


@functools.lru_cache(maxsize=128)  # one statement text per number of rows
def _upsert(rows: int, placeholder: str) -> str:
    values = ", ".join([f"({', '.join([placeholder] * COLUMNS)})"] * rows)
    return _UPSERT.format(values=values)


def rebuild(connection: Connection, definition: SurveyDefinition) -> int:
    """Recompute a consultation's tallies from its stored answers; returns the number of responses counted."""
    connection.execute(delete(Tally).where(Tally.survey_id == definition.id))
    query = (
        select(SurveyResponse.id, SurveyResponse.channel, SurveyResponse.submitted_at, Answer.question, Answer.item)
        .add_columns(Answer.option, Answer.number)
        .outerjoin(Answer, Answer.response_id == SurveyResponse.id)
        .where(SurveyResponse.survey_id == definition.id)
        .order_by(SurveyResponse.id)
        .execution_options(yield_per=BATCH)  # streamed: a million responses need not fit in memory
    )
    totals: dict[Cell, Sums] = {}
    current: tuple[int, str, dt.date] | None = None
    rows: list[AnswerRow] = []
    responses = 0
    for response_id, channel, submitted_at, question, item, option, number in connection.execute(query):
        if current is None or current[0] != response_id:
            if current is not None:
                add_cells(totals, response_cells(definition, rows, current[1], current[2]), 1)
            current, rows, responses = (response_id, channel, utc_day(submitted_at)), [], responses + 1
        if question is not None:
            rows.append(AnswerRow(question, item, option, number))
    if current is not None:
        add_cells(totals, response_cells(definition, rows, current[1], current[2]), 1)
    apply(connection, definition.id, totals)
    return responses


def utc_day(moment: dt.datetime) -> dt.date:
    return (moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)).date()


def _cell(pair: tuple[Cell, Sums]) -> Cell:
    return pair[0]
