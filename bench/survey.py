"""Survey store: results over 1,000,000 synthetic responses (generic schema: responses, answers, tallies) on SQLite
and PostgreSQL, for both shipped surveys' shapes, and submission throughput with 8 concurrent writer processes on
SQLite (acknowledged = stored, no "database is locked")."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from survey.answers import Answers, check_answers
from survey.consultations import register_definition
from survey.database import Database, upgrade_schema
from survey.definition import Question, QuestionKind, SurveyDefinition, default_definition_path, load_definition
from survey.models import SurveyResponse
from survey.pseudonyms import pseudonym_of_sender
from survey.results import breakdown_choices, compute_results
from survey.store import Submission, answer_rows, submit_response
from survey.tallies import Cell, Sums, add_cells, apply, response_cells
from tests import postgres

WRITERS = 8
PEPPER = b"b" * 32
BATCH = 20_000
POOL = 300  # distinct random responses the synthetic ones are drawn from (tallied once per channel and day)
RESPONSE_COLUMNS = ("id", "respondent", "survey_id", "notice_version", "channel", "submitted_at", "updated_at")
ANSWER_COLUMNS = ("response_id", "question", "item", "option", "number", "text")
SECOND_SURVEY = default_definition_path().with_name("fire-community-risk.yaml")


def run(workdir: Path, quick: bool = False) -> None:
    rows = 100_000 if quick else 1_000_000
    for path in (default_definition_path(), SECOND_SURVEY):
        definition = load_definition(path)
        measure_results("SQLite", f"sqlite:///{workdir / (definition.id + '.db')}", definition, rows)
        if not postgres.answers():
            print("PostgreSQL not reachable on 127.0.0.1:5432: skipped")
            continue
        with postgres.fresh_databases(prefix="consult_bench") as (name,):
            measure_results("PostgreSQL", postgres.app_url(name), definition, rows)
    measure_write_cpu(f"sqlite:///{workdir / 'write-cpu.db'}", 500 if quick else 2_000)
    measure_writers(f"sqlite:///{workdir / 'writers.db'}", 500 if quick else 2_500)


def measure_results(label: str, url: str, definition: SurveyDefinition, rows: int) -> None:
    upgrade_schema(url)
    db = Database(url)
    register_definition(db, definition)
    began = time.perf_counter()
    _fill(db, definition, rows)
    print(f"{label}, {definition.id}: {rows} synthetic responses loaded in {time.perf_counter() - began:.0f} s")
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")  # the planner needs statistics after a bulk load
    for by in (None, *breakdown_choices(definition)):
        times = []
        for _ in range(3):
            began = time.perf_counter()
            results = compute_results(db, definition, by)
            times.append(time.perf_counter() - began)
        assert results["respondents"] == rows
        print(f"  results{' by ' + by if by else ''}: best {min(times):.2f} s, median {statistics.median(times):.2f} s")
    db.dispose()


def _fill(db: Database, definition: SurveyDefinition, rows: int) -> None:
    """Responses and their answer rows in bulk (COPY on PostgreSQL), drawn from a pool of random valid answers; the
    tallies summed with the store's own functions, once per distinct (answers, channel, day)."""
    rng = random.Random(3)
    pool = [answer_rows(definition, random_answers(definition, rng)) for _ in range(POOL)]
    start = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    combos: Counter[tuple[int, str, dt.date]] = Counter()
    responses: list[tuple[Any, ...]] = []
    answers: list[tuple[Any, ...]] = []
    with db.write() as connection:
        for number in range(1, rows + 1):
            pick, channel = rng.randrange(POOL), rng.choice(("telegram", "web", "paper"))
            submitted_at = start + dt.timedelta(minutes=number % 100_000)
            combos[(pick, channel, submitted_at.date())] += 1
            responses.append((number, f"{number:064x}", definition.id, "v1", channel, submitted_at, submitted_at))
            answers += [(number, r.question, r.item, r.option, r.number, r.text) for r in pool[pick]]
            if len(responses) == BATCH:
                _flush(connection, responses, answers)
                responses, answers = [], []
        _flush(connection, responses, answers)
        totals: dict[Cell, Sums] = {}
        for (pick, channel, day), count in combos.items():
            add_cells(totals, response_cells(definition, pool[pick], channel, day), count)
        apply(connection, definition.id, totals)


def _flush(connection: Any, responses: list[tuple[Any, ...]], answers: list[tuple[Any, ...]]) -> None:
    raw = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor:
            for table, columns, values in (
                ("responses", RESPONSE_COLUMNS, responses),
                ("answers", ANSWER_COLUMNS, answers),
            ):
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for value in values:
                        copy.write_row(value)
        return
    raw.executemany(f"INSERT INTO responses VALUES ({', '.join('?' * len(RESPONSE_COLUMNS))})", responses)
    raw.executemany(f"INSERT INTO answers ({', '.join(ANSWER_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)", answers)


def random_answers(definition: SurveyDefinition, rng: random.Random) -> Answers:
    """A valid random response: every question answered (optional ones nine times in ten), show_if respected."""
    given: dict[str, object] = {}
    for question in definition.asked_questions():
        shown = definition.is_shown(question, given)
        if shown and (question.required or rng.random() < 0.9):
            given[question.id] = _random_value(question, rng)
    return check_answers(definition, given)


def _random_value(question: Question, rng: random.Random) -> object:
    ids = question.option_ids()
    if question.kind is QuestionKind.TEXT:
        return None  # free text is not read by the results
    if question.kind is QuestionKind.RANKING:
        return rng.sample(ids, question.rank)
    if question.kind is QuestionKind.MULTI:
        return rng.sample(ids, rng.randint(1, question.choices_allowed))
    if question.kind is QuestionKind.POINTS:
        cuts = sorted(rng.randint(0, question.total) for _ in ids[1:])
        return dict(zip(ids, (b - a for a, b in zip([0, *cuts], [*cuts, question.total], strict=True)), strict=True))
    return rng.choice(ids)


def measure_writers(url: str, per_writer: int) -> None:
    """Writer processes load everything first, then start together; only the submitting is timed."""
    upgrade_schema(url)
    db = Database(url)
    register_definition(db, load_definition(default_definition_path()))
    db.dispose()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WRITERS)
    results = context.Queue()
    workers = [context.Process(target=_write, args=(url, w, per_writer, barrier, results)) for w in range(WRITERS)]
    for worker in workers:
        worker.start()
    outcomes = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    elapsed = max(o[3] for o in outcomes) - min(o[2] for o in outcomes)
    acknowledged = sum(o[0] for o in outcomes)
    locked = sum(o[1] for o in outcomes)
    cpu = sum(o[4] for o in outcomes)
    db = Database(url)
    with db.read() as session:
        stored = session.scalar(select(func.count()).select_from(SurveyResponse)) or 0
    db.dispose()
    print(
        f"SQLite, {WRITERS} writer processes: {acknowledged} acknowledged in {elapsed:.1f} s = "
        f"{acknowledged / elapsed:.0f} submissions/s; stored {stored}; lost {acknowledged - stored}; "
        f"'database is locked' errors {locked}; writers' CPU {cpu * 1000 / max(acknowledged, 1):.2f} ms per submission"
    )


def measure_write_cpu(url: str, count: int) -> None:
    """CPU time of one writer per submission (Python, driver and SQLite's own work; the fsync wait is not CPU): the
    part of the writers' figure a busy machine does not blur. Answers are drawn before the clock starts."""
    upgrade_schema(url)
    db = Database(url)
    definition = load_definition(default_definition_path())
    register_definition(db, definition)
    rng = random.Random(11)
    answers = [random_answers(definition, rng) for _ in range(count)]
    began = time.process_time()
    for number, given in enumerate(answers):
        respondent = pseudonym_of_sender(PEPPER, "web", f"cpu-{number}")
        submission = Submission(respondent, "web", definition, "v1", given, submission_key=f"cpu-{number}")
        submit_response(db, submission)
    spent = time.process_time() - began
    db.dispose()
    print(f"SQLite, one writer: {spent * 1000 / count:.2f} ms CPU per submission ({count} submissions)")


def _write(url: str, writer: int, count: int, barrier: Any, results: Any) -> None:
    definition = load_definition(default_definition_path())
    db = Database(url)
    rng = random.Random(writer)
    answers = [random_answers(definition, rng) for _ in range(count)]
    acknowledged = locked = 0
    barrier.wait()
    began, cpu = time.time(), time.process_time()  # CPU: what a busy machine does not blur
    for number in range(count):
        try:
            receipt = submit_response(
                db,
                Submission(
                    respondent=pseudonym_of_sender(PEPPER, "web", f"{writer}-{number}"),
                    channel="web",
                    definition=definition,
                    notice_version="v1",
                    answers=answers[number],
                    submission_key=f"{writer}-{number}",
                ),
            )
        except OperationalError as error:
            locked += "locked" in str(error)
            continue
        acknowledged += receipt.stored
    results.put((acknowledged, locked, began, time.time(), time.process_time() - cpu))
    db.dispose()
