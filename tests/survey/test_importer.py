from __future__ import annotations

from pathlib import Path

import pytest

from survey.importer import COLUMNS, CsvFileError, import_csv
from survey.results import compute_results
from survey.service import Survey
from survey.store import respondent_data

HEADER = ",".join(COLUMNS)
GOOD = [
    "P-1,paper,2026-03-01T10:00:00Z,harlow,25_34,knife_crime,road_safety,rural_crime,oppose,More patrols please",
    "P-2,paper,2026-03-02T09:30:00+01:00,maldon,35_44,rural_crime,road_safety,knife_crime,,",
    "E-7,event,2026-03-02,southend,65_74,visible_policing,knife_crime,drugs_county_lines,support,",
]


def _csv(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "responses.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _respondents(survey: Survey) -> int:
    return int(compute_results(survey.db, survey.definition)["respondents"])


def test_a_valid_file_is_imported_and_importing_it_again_changes_nothing(survey: Survey, tmp_path: Path) -> None:
    path = _csv(tmp_path, *GOOD)
    report = import_csv(survey.db, survey.definition, survey.pepper, path)
    assert (report.imported, report.already_imported, report.errors) == (3, 0, [])
    again = import_csv(survey.db, survey.definition, survey.pepper, path)
    assert (again.imported, again.already_imported) == (0, 3)
    assert _respondents(survey) == 3
    stored = respondent_data(survey.db, survey.respondent("paper", "P-2"))
    assert stored is not None
    assert stored["submitted_at"] == "2026-03-02T08:30:00+00:00"
    assert stored["facial_recognition"] is None and stored["comment"] is None


def test_the_same_respondent_later_in_the_file_replaces_the_earlier_answers(survey: Survey, tmp_path: Path) -> None:
    later = "P-1,paper,2026-03-05T10:00:00Z,maldon,25_34,road_safety,knife_crime,rural_crime,,changed my mind"
    import_csv(survey.db, survey.definition, survey.pepper, _csv(tmp_path, *GOOD, later))
    assert _respondents(survey) == 3
    stored = respondent_data(survey.db, survey.respondent("paper", "P-1"))
    assert stored is not None and stored["district"] == "maldon" and stored["comment"] == "changed my mind"


def test_a_row_repeated_after_a_change_of_mind_is_the_one_kept(survey: Survey, tmp_path: Path) -> None:
    first, changed = GOOD[0], "P-1,paper,2026-03-05T10:00:00Z,maldon,25_34,road_safety,knife_crime,rural_crime,,"
    report = import_csv(survey.db, survey.definition, survey.pepper, _csv(tmp_path, first, changed, first))
    assert (report.imported, report.already_imported) == (3, 0)
    stored = respondent_data(survey.db, survey.respondent("paper", "P-1"))
    assert stored is not None and stored["district"] == "harlow"


def test_one_invalid_row_means_nothing_is_imported_and_errors_name_the_rows(survey: Survey, tmp_path: Path) -> None:
    bad = [
        "P-3,paper,yesterday,harlow,25_34,knife_crime,road_safety,rural_crime,,",
        "P-4,paper,2026-03-01T10:00:00Z,narnia,25_34,knife_crime,knife_crime,rural_crime,,",
        ",paper,2026-03-01T10:00:00Z,harlow,25_34,knife_crime,road_safety,rural_crime,,",
    ]
    report = import_csv(survey.db, survey.definition, survey.pepper, _csv(tmp_path, *GOOD, *bad))
    assert not report.committed
    assert report.errors == [
        "row 5: submitted_at: 'yesterday' is not an ISO 8601 time such as 2026-03-01T14:30:00Z",
        "row 6: district: 'narnia' is not one of basildon, braintree, brentwood, castle_point, chelmsford, colchester,"
        " epping_forest, harlow, maldon, rochford, tendring, uttlesford, southend, thurrock, outside_essex,"
        " prefer_not_to_say",
        "row 6: priorities: each choice must be different",
        "row 7: respondent_id: required, at most 200 characters",
    ]
    assert _respondents(survey) == 0


def test_skip_invalid_imports_the_valid_rows_and_lists_the_rest(survey: Survey, tmp_path: Path) -> None:
    bad = "P-9,paper,2026-03-01T10:00:00Z,harlow,25_34,knife_crime,road_safety,,,"
    report = import_csv(survey.db, survey.definition, survey.pepper, _csv(tmp_path, GOOD[0], bad, GOOD[1]), True)
    assert report.committed and report.imported == 2
    assert report.errors == ["row 3: priorities: choose exactly 3, not 2"]
    assert _respondents(survey) == 2


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("respondent_id,channel,submitted_at", "missing columns: district"),
        (HEADER + ",email", "unknown columns: email"),
    ],
)
def test_wrong_columns_are_refused(survey: Survey, tmp_path: Path, header: str, message: str) -> None:
    with pytest.raises(CsvFileError, match=message):
        import_csv(survey.db, survey.definition, survey.pepper, _csv(tmp_path, header=header))


def test_a_file_that_is_not_utf8_is_refused(survey: Survey, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        (HEADER + "\nP-1,paper,2026-03-01,harlow,25_34,knife_crime,road_safety,rural_crime,,café\n").encode("latin-1")
    )
    with pytest.raises(CsvFileError, match="not UTF-8"):
        import_csv(survey.db, survey.definition, survey.pepper, path)
