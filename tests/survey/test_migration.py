"""An existing database (today's schema, revision 0001, one column per question) upgrades in place: every answer,
comment, pseudonym, notice version and idempotency key kept, and the results the same before and after."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from survey.database import MIGRATIONS
from survey.definition import default_definition_path, load_definition
from survey.results import compute_results
from survey.service import open_survey
from survey.store import Submission, respondent_data, stored_answers, submit_response
from tests.survey.conftest import essex, survey_config

DEFINITION = load_definition(default_definition_path())
ROWS = 60


def _at_revision(url: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = url
    command.upgrade(config, revision)


def _old_rows() -> list[dict[str, Any]]:
    """Rows as revision 0001's code wrote them (one column per question), varied and with every optional gap."""
    rng = random.Random(12)
    options = {q.id: q.option_ids() for q in DEFINITION.questions}
    rows = []
    for number in range(ROWS):
        first, second, third = rng.sample(options["priorities"], 3)
        moment = dt.datetime(2026, 10, 1 + number % 28, 9, number % 60, tzinfo=dt.UTC)
        rows.append(
            {
                "respondent": f"{number:064x}",
                "survey_id": DEFINITION.id,
                "notice_version": "2026-11-v1" if number % 3 else "2026-10-v0",
                "channel": ("telegram", "web", "paper")[number % 3],
                "district": rng.choice(options["district"][:3]),
                "age_band": rng.choice(options["age_band"]) if number % 7 else None,
                "priority_1": first,
                "priority_2": second,
                "priority_3": third,
                "facial_recognition": rng.choice(options["facial_recognition"]) if number % 4 else None,
                "comment": f"comment number {number}" if number % 5 == 0 else None,
                "submitted_at": moment,
                "updated_at": moment,
            }
        )
    return rows


def _write_old_database(url: str, rows: list[dict[str, Any]]) -> None:
    _at_revision(url, "0001")
    engine = create_engine(url)
    columns = list(rows[0])
    with engine.begin() as connection:
        connection.execute(
            text(f"INSERT INTO responses ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"), rows
        )
        connection.execute(
            text("INSERT INTO seen_submissions (key, seen_at) VALUES (:key, :seen_at)"),
            [{"key": f"key-{n}", "seen_at": dt.datetime(2026, 10, 2, tzinfo=dt.UTC)} for n in range(ROWS)],
        )
    engine.dispose()


def _results_before(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What revision 0001's results computed from these rows: counts, first choices, mentions and Borda points."""
    ranking = [(r["priority_1"], r["priority_2"], r["priority_3"]) for r in rows]
    borda: Counter[str] = Counter()
    for places in ranking:
        for points, option in zip((3, 2, 1), places, strict=True):
            borda[option] += points
    return {
        "respondents": len(rows),
        "district": Counter(r["district"] for r in rows),
        "age_band": Counter(r["age_band"] for r in rows if r["age_band"]),
        "facial_recognition": Counter(r["facial_recognition"] for r in rows if r["facial_recognition"]),
        "first": Counter(places[0] for places in ranking),
        "mentions": Counter(option for places in ranking for option in places),
        "borda": borda,
        "comments": sum(1 for r in rows if r["comment"]),
    }


def _counts(figures: dict[str, Any], key: str = "count") -> Counter[str]:
    return Counter({o["id"]: o[key] for o in figures["options"] if o[key]})


def test_a_database_of_todays_schema_upgrades_with_everything_kept(database_url: str) -> None:
    rows = _old_rows()
    _write_old_database(database_url, rows)
    before = _results_before(rows)

    survey = open_survey(survey_config(database_url))  # upgrades, as `consult up` and the commands do
    after = compute_results(survey.db, survey.definition)
    questions = after["questions"]
    assert after["respondents"] == before["respondents"]
    for question_id in ("district", "age_band", "facial_recognition"):
        assert _counts(questions[question_id]) == before[question_id], question_id
        assert questions[question_id]["answered"] == sum(before[question_id].values())
    priorities = questions["priorities"]
    assert _counts(priorities, "first_choice") == before["first"]
    assert _counts(priorities, "mentions") == before["mentions"]
    assert _counts(priorities, "borda") == before["borda"]
    assert questions["comment"]["answered"] == before["comments"]
    by_district = compute_results(survey.db, survey.definition, "district")["by"]["groups"]
    shown = {g: v["respondents"] for g, v in by_district.items() if not v["suppressed"] and v["respondents"]}
    assert shown and all(shown[g] == before["district"][g] for g in shown)

    for row in rows:  # every pseudonym, notice version, answer and comment, under the same respondent
        stored = stored_answers(survey.db, row["respondent"], survey.definition)
        assert stored is not None and stored.notice_version == row["notice_version"]
        assert stored.channel == row["channel"] and stored.submitted_at == row["submitted_at"]
        assert stored.answers.get("priorities") == (row["priority_1"], row["priority_2"], row["priority_3"])
        assert stored.answers.get("comment") == row["comment"]
        assert stored.answers.get("age_band") == row["age_band"]
    data = respondent_data(survey.db, rows[0]["respondent"])
    assert data is not None and data["responses"][0]["answers"]["comment"] == "comment number 0"

    # Idempotency keys survive: a late retry of an old submission changes nothing; new answers are stored.
    late = Submission(rows[1]["respondent"], "web", survey.definition, "v1", essex(survey), "key-1")
    assert not submit_response(survey.db, late).stored
    fresh = Submission("f" * 64, "web", survey.definition, "v1", essex(survey), "key-new")
    assert submit_response(survey.db, fresh).stored
    assert compute_results(survey.db, survey.definition)["respondents"] == ROWS + 1
    survey.db.dispose()


def test_an_empty_database_of_todays_schema_upgrades_too(database_url: str) -> None:
    _at_revision(database_url, "0001")
    survey = open_survey(survey_config(database_url))
    assert compute_results(survey.db, survey.definition)["respondents"] == 0
    survey.db.dispose()
