"""Survey store: results over 1,000,000 synthetic responses on SQLite and PostgreSQL, and submission throughput
with 8 concurrent writer processes on SQLite (acknowledged = stored, no "database is locked")."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import statistics
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import OperationalError

from survey.answers import check_answers
from survey.database import Database, upgrade_schema
from survey.definition import SurveyDefinition, default_definition_path, load_definition
from survey.models import Response
from survey.pseudonyms import pseudonym
from survey.results import compute_results
from survey.store import Submission, submit_response
from tests import postgres

WRITERS = 8
PEPPER = b"b" * 32


def run(workdir: Path, quick: bool = False) -> None:
    definition = load_definition(default_definition_path())
    rows = 100_000 if quick else 1_000_000
    sqlite_url = f"sqlite:///{workdir / 'results.db'}"
    measure_results("SQLite", sqlite_url, definition, rows)
    if not postgres.answers():
        print("PostgreSQL not reachable on 127.0.0.1:5432: skipped")
    else:
        with postgres.fresh_databases(prefix="consult_bench") as (name,):
            measure_results("PostgreSQL", postgres.app_url(name), definition, rows)
    measure_writers(f"sqlite:///{workdir / 'writers.db'}", 500 if quick else 2_500)


def measure_results(label: str, url: str, definition: SurveyDefinition, rows: int) -> None:
    upgrade_schema(url)
    db = Database(url)
    began = time.perf_counter()
    _fill(db, definition, rows)
    print(f"{label}: {rows} synthetic responses loaded in {time.perf_counter() - began:.0f} s")
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE responses")  # the planner needs statistics after a bulk load
    for by in (None, "district", "age_band"):
        times = []
        for _ in range(3):
            began = time.perf_counter()
            results = compute_results(db, definition, by)
            times.append(time.perf_counter() - began)
        assert results["respondents"] == rows
        print(f"  results{' by ' + by if by else ''}: best {min(times):.2f} s, median {statistics.median(times):.2f} s")
    db.dispose()


def _fill(db: Database, definition: SurveyDefinition, rows: int) -> None:
    rng = random.Random(3)
    districts = definition.question("district").option_ids()
    ages = definition.question("age_band").option_ids()
    priorities = definition.question("priorities").option_ids()
    facial = [*definition.question("facial_recognition").option_ids(), None]
    start = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    batch: list[dict[str, Any]] = []
    with db.write() as session:
        for number in range(rows):
            first, second, third = rng.sample(priorities, 3)
            batch.append(
                {
                    "respondent": f"{number:064x}",
                    "survey_id": definition.id,
                    "notice_version": "v1",
                    "channel": rng.choice(("telegram", "web", "paper")),
                    "district": rng.choice(districts),
                    "age_band": rng.choice(ages),
                    "priority_1": first,
                    "priority_2": second,
                    "priority_3": third,
                    "facial_recognition": rng.choice(facial),
                    "comment": None,
                    "submitted_at": start + dt.timedelta(minutes=number % 100_000),
                    "updated_at": start,
                }
            )
            if len(batch) == 20_000:
                session.execute(insert(Response), batch)
                batch = []
        if batch:
            session.execute(insert(Response), batch)


def measure_writers(url: str, per_writer: int) -> None:
    """Writer processes load everything first, then start together; only the submitting is timed."""
    upgrade_schema(url)
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
    db = Database(url)
    with db.read() as session:
        stored = session.scalar(select(func.count()).select_from(Response)) or 0
    db.dispose()
    print(
        f"SQLite, {WRITERS} writer processes: {acknowledged} acknowledged in {elapsed:.1f} s = "
        f"{acknowledged / elapsed:.0f} submissions/s; stored {stored}; lost {acknowledged - stored}; "
        f"'database is locked' errors {locked}"
    )


def _write(url: str, writer: int, count: int, barrier: Any, results: Any) -> None:
    definition = load_definition(default_definition_path())
    db = Database(url)
    answers = check_answers(
        definition, district="harlow", age_band="25_34", priorities=["knife_crime", "road_safety", "rural_crime"]
    )
    acknowledged = locked = 0
    barrier.wait()
    began = time.time()
    for number in range(count):
        try:
            receipt = submit_response(
                db,
                Submission(
                    respondent=pseudonym(PEPPER, "web", f"{writer}-{number}"),
                    channel="web",
                    survey_id=definition.id,
                    notice_version="v1",
                    answers=answers,
                    key=f"{writer}-{number}",
                ),
            )
        except OperationalError as error:
            locked += "locked" in str(error)
            continue
        acknowledged += receipt.stored
    results.put((acknowledged, locked, began, time.time()))
    db.dispose()
