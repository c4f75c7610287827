"""Property-based tests: whatever arrives, the survey's parsers answer with a result or a clear error, never a crash."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.answers import AnswerError, check_answers
from survey.definition import default_definition_path, load_definition
from survey.importer import COLUMNS, CsvFileError, import_csv
from survey.matching import match_age_band, match_options
from survey.redaction import redact
from survey.service import Survey

DEFINITION = load_definition(default_definition_path())
PRIORITIES = DEFINITION.question("priorities").option_ids()
cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["harlow", "25_34", "knife_crime", "road_safety", "2026-03-01T10:00:00Z", "paper", "", "oppose"]),
)


@given(st.text(max_size=200))
def test_typed_answers_map_to_real_options_or_nothing(text: str) -> None:
    for question_id in ("district", "priorities", "facial_recognition"):
        question = DEFINITION.question(question_id)
        assert set(match_options(question, text)) <= set(question.option_ids())
    assert match_age_band(DEFINITION.question("age_band"), text) in {
        None,
        *DEFINITION.question("age_band").option_ids(),
    }


@given(
    st.one_of(st.none(), cells),
    st.one_of(st.none(), cells),
    st.lists(st.one_of(st.none(), cells), max_size=4),
    st.one_of(st.none(), cells),
    st.one_of(st.none(), st.text(max_size=1200)),
)
def test_answers_are_accepted_or_refused_with_reasons(
    district: str | None, age: str | None, priorities: list[str | None], facial: str | None, comment: str | None
) -> None:
    try:
        answers = check_answers(
            DEFINITION,
            district=district,
            age_band=age,
            priorities=priorities,
            facial_recognition=facial,
            comment=comment,
        )
    except AnswerError as error:
        assert error.problems and all(":" in p for p in error.problems)
        return
    assert len(set(answers.priorities)) == 3 and set(answers.priorities) <= set(PRIORITIES)


@given(st.text(max_size=300), st.emails())
def test_redaction_never_fails_and_removes_emails(text: str, email: str) -> None:
    redacted = redact(f"{text} {email} {text}")
    assert email not in redacted or "@" not in email


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cells, min_size=0, max_size=12), max_size=8), st.booleans(), st.booleans())
def test_any_csv_is_imported_or_refused_by_row(
    survey: Survey, tmp_path: Path, rows: list[list[str]], header: bool, skip_invalid: bool
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        writer.writerow(COLUMNS)
    writer.writerows(rows)
    path = tmp_path / "responses.csv"
    path.write_text(buffer.getvalue())
    try:
        report = import_csv(survey.db, survey.definition, survey.pepper, path, skip_invalid)
    except CsvFileError as error:
        assert str(error)
        return
    assert all(e.startswith("row ") for e in report.errors)
    assert report.committed == (skip_invalid or not report.errors)
