"""Property-based tests: whatever arrives, the survey's parsers answer with a result or a clear error, never a crash."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.answers import AnswerError, check_answers
from survey.definition import default_definition_path, load_definition
from survey.importer import CsvFileError, expected_columns, import_csv
from survey.matching import match_labelled_number, match_options
from survey.redaction import redact
from survey.service import Survey
from tests.survey.conftest import FIRE

DEFINITION = load_definition(default_definition_path())
FIRE_DEFINITION = load_definition(FIRE)
PRIORITIES = DEFINITION.question("priorities").option_ids()
option_ids = st.sampled_from(sorted({o.id for q in FIRE_DEFINITION.questions for o in q.options}))
values = st.one_of(
    st.none(),
    st.text(max_size=20),
    option_ids,
    st.lists(st.one_of(option_ids, st.text(max_size=5)), max_size=5),
    st.dictionaries(st.one_of(option_ids, st.text(max_size=5)), st.one_of(st.integers(-5, 120), st.text(max_size=4))),
    st.integers(),
)
cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["harlow", "25_34", "knife_crime", "road_safety", "2026-03-01T10:00:00Z", "paper", "", "oppose"]),
)


@given(st.text(max_size=200))
def test_typed_answers_map_to_real_options_or_nothing(text: str) -> None:
    for question_id in ("district", "priorities", "facial_recognition"):
        question = DEFINITION.question(question_id)
        assert set(match_options(question, text)) <= set(question.option_ids())
    assert match_labelled_number(DEFINITION.question("age_band"), text) in {
        None,
        *DEFINITION.question("age_band").option_ids(),
    }


@settings(deadline=None)
@given(st.dictionaries(st.sampled_from([*(q.id for q in FIRE_DEFINITION.questions), "other"]), values, max_size=10))
def test_answers_of_any_kind_are_accepted_or_refused_with_reasons(given: dict[str, object]) -> None:
    try:
        answers = check_answers(FIRE_DEFINITION, given)
    except AnswerError as error:
        assert error.problems and all(":" in p for p in error.problems)
        return
    for question_id, value in answers.values.items():
        question = FIRE_DEFINITION.question(question_id)
        if isinstance(value, dict):
            assert sum(value.values()) == question.total and set(value) == set(question.option_ids())
        elif isinstance(value, tuple):
            assert len(set(value)) == len(value) and set(value) <= set(question.option_ids())
        elif question.options:
            assert question.option(value) is not None


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
        writer.writerow(expected_columns(survey.definition))
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
