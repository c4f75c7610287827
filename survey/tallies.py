"""Running totals of the answers (`tallies`), changed in the same transaction as the answers they count.

A response adds one to its cells: the respondents, each question answered, each option chosen (a ranking's option at
its place; points add their sum and sum of squares), once overall and once within its group for every breakdown
question. Replacing or erasing a response subtracts its old cells. `rebuild` recomputes everything from `answers`.

A submission does not update the cells in place: it appends its changes to `tally_changes` (SQLite has one writer at
a time, and upserting ~30 cells dirtied one page each, written and synced inside that lock; appended rows share a
page or two). Every FOLD_EVERY new responses, the writer folds the log into `tallies` in its own transaction; an
erasure folds at once, so no single response's cells stay behind it. Results read both (`cells()`): exact always."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Subquery, delete, select, union_all

from survey.definition import QuestionKind, SurveyDefinition
from survey.models import Answer, Response, Tally, TallyChange

BATCH = 5_000
FOLD_EVERY = 1_000  # new responses between folds: the log then holds some 30,000 rows at most, read in milliseconds
COLUMNS = 11  # survey_id, the key (by_question, grp, question, option, item, channel, day), count, total, squares
_UPSERT = (
    "INSERT INTO tallies (survey_id, by_question, grp, question, option, item, channel, day, count, total, squares)"
    " VALUES ({placeholders}) ON CONFLICT (survey_id, by_question, grp, question, option, item, channel, day)"
    " DO UPDATE SET count = tallies.count + excluded.count, total = tallies.total + excluded.total,"
    " squares = tallies.squares + excluded.squares"
)
_APPEND = (
    "INSERT INTO tally_changes"
    " (survey_id, by_question, grp, question, option, item, channel, day, count, total, squares)"
    " VALUES ({placeholders})"
)
# SQLite: writers are serialised, so the whole log is folded, then emptied. (The WHERE keeps SQLite's parser from
# reading ON CONFLICT as a join constraint.)
_FOLD_SQLITE = (
    "INSERT INTO tallies (survey_id, by_question, grp, question, option, item, channel, day, count, total, squares)"
    " SELECT survey_id, by_question, grp, question, option, item, channel, day, SUM(count), SUM(total), SUM(squares)"
    " FROM tally_changes WHERE true GROUP BY survey_id, by_question, grp, question, option, item, channel, day"
    " ON CONFLICT (survey_id, by_question, grp, question, option, item, channel, day)"
    " DO UPDATE SET count = tallies.count + excluded.count, total = tallies.total + excluded.total,"
    " squares = tallies.squares + excluded.squares"
)
# PostgreSQL: writers run at once. One statement deletes and adds the same rows (a row another writer commits
# meanwhile is neither); cells in key order, as every writer locks them; folds serialised by an advisory lock.
_FOLD_POSTGRESQL = (
    "WITH moved AS (DELETE FROM tally_changes RETURNING *)"
    " INSERT INTO tallies (survey_id, by_question, grp, question, option, item, channel, day, count, total, squares)"
    " SELECT survey_id, by_question, grp, question, option, item, channel, day, SUM(count), SUM(total), SUM(squares)"
    " FROM moved GROUP BY survey_id, by_question, grp, question, option, item, channel, day"
    " ORDER BY survey_id, by_question, grp, question, option, item, channel, day"
    " ON CONFLICT (survey_id, by_question, grp, question, option, item, channel, day)"
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


@dataclass(frozen=True)
class Cell:
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
    """Add the changes to the stored tallies at once (rebuilds and bulk loads; submissions `record` theirs)."""
    write_rows(connection, tally_rows(survey_id, changes))


def record(connection: Connection, survey_id: str, changes: Mapping[Cell, Sums]) -> None:
    """Append the changes to the log (see the module's note)."""
    append_rows(connection, tally_rows(survey_id, changes))


def tally_rows(survey_id: str, changes: Mapping[Cell, Sums]) -> list[tuple[Any, ...]]:
    """The changes as rows to add (COLUMNS), sorted: concurrent writers then lock rows in one order (no deadlock)."""
    return [
        (survey_id, *_order(cell), *sums)
        for cell, sums in sorted(changes.items(), key=lambda pair: _order(pair[0]))
        if any(sums)
    ]


def write_rows(connection: Connection, rows: list[tuple[Any, ...]]) -> None:
    """Add rows (tally_rows) to the tallies in place."""
    _execute_rows(connection, _UPSERT, rows)


def append_rows(connection: Connection, rows: list[tuple[Any, ...]], ready: bool = False) -> None:
    """Append rows (tally_rows; ready: already driver_rows) to the log."""
    _execute_rows(connection, _APPEND, rows, ready)


def driver_rows(sqlite_: bool, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows as the driver takes them: SQLAlchemy stores SQLite dates as ISO text."""
    return [(*row[:7], row[7].isoformat(), *row[8:]) for row in rows] if sqlite_ else rows


def fold(connection: Connection) -> None:
    """Sum the log into the tallies and empty it (every consultation), inside the caller's write transaction."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('consult:tally-fold'))")
        connection.exec_driver_sql(_FOLD_POSTGRESQL)
        return
    connection.exec_driver_sql(_FOLD_SQLITE)
    connection.exec_driver_sql("DELETE FROM tally_changes")


def due(response_id: int) -> bool:
    """Whether the writer that stored this new response folds the log (every FOLD_EVERY responses)."""
    return response_id % FOLD_EVERY == 0


def cells() -> Subquery:
    """The tallies plus the log not yet folded, as one table with Tally's columns (sum them: a cell may be on both)."""
    names = [column.name for column in TallyChange.__table__.columns if column.name != "id"]
    folded = select(*(getattr(Tally, name) for name in names))
    logged = select(*(getattr(TallyChange, name) for name in names))
    return union_all(folded, logged).subquery("cells")


def _execute_rows(connection: Connection, template: str, rows: list[tuple[Any, ...]], ready: bool = False) -> None:
    """One executemany of plain tuples: the ORM's per-row parameter handling would cost more than the writes."""
    sqlite_ = connection.dialect.name == "sqlite"
    statement = template.format(placeholders=", ".join(["?" if sqlite_ else "%s"] * COLUMNS))
    if not ready:
        rows = driver_rows(sqlite_, rows)
    for start in range(0, len(rows), BATCH):
        connection.exec_driver_sql(statement, rows[start : start + BATCH])


def rebuild(connection: Connection, definition: SurveyDefinition) -> int:
    """Recompute a consultation's tallies from its stored answers; returns the number of responses counted."""
    connection.execute(delete(Tally).where(Tally.survey_id == definition.id))
    connection.execute(delete(TallyChange).where(TallyChange.survey_id == definition.id))
    query = (
        select(Response.id, Response.channel, Response.submitted_at, Answer.question, Answer.item)
        .add_columns(Answer.option, Answer.number)
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(Response.survey_id == definition.id)
        .order_by(Response.id)
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


def _order(cell: Cell) -> tuple[Any, ...]:
    return (cell.by_question, cell.grp, cell.question, cell.option, cell.item, cell.channel, cell.day)
