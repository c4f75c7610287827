from __future__ import annotations

from pathlib import Path

import pytest

from survey.importer import CsvFileError, expected_columns, import_csv
from survey.results import compute_results
from survey.service import Survey
from survey.store import respondent_data, stored_answers

OLD_HEADER = (  # the Essex paper forms' columns before surveys became data
    "respondent_id,channel,submitted_at,district,age_band,priority_1,priority_2,priority_3,facial_recognition,comment"
)
HEADER = OLD_HEADER.replace("priority_", "priorities_")
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
    assert HEADER.split(",") == expected_columns(survey.definition)
    data = respondent_data(survey.db, survey.pseudonym_of_sender("paper", "P-2"))
    assert data is not None
    assert data["responses"][0]["submitted_at"] == "2026-03-02T08:30:00+00:00"
    assert data["responses"][0]["answers"] == {
        "district": "maldon",
        "age_band": "35_44",
        "priorities": ["rural_crime", "road_safety", "knife_crime"],
    }


def test_the_same_respondent_later_in_the_file_replaces_the_earlier_answers(survey: Survey, tmp_path: Path) -> None:
    later = "P-1,paper,2026-03-05T10:00:00Z,maldon,25_34,road_safety,knife_crime,rural_crime,,changed my mind"
    import_csv(survey.db, survey.definition, survey.pepper, _csv(tmp_path, *GOOD, later))
    assert _respondents(survey) == 3
    stored = stored_answers(survey.db, survey.pseudonym_of_sender("paper", "P-1"), survey.definition)
    assert stored is not None and stored.answers.get("district") == "maldon"
    assert stored.answers.get("comment") == "changed my mind"


def test_a_row_repeated_after_a_change_of_mind_is_the_one_kept(survey: Survey, tmp_path: Path) -> None:
    first, changed = GOOD[0], "P-1,paper,2026-03-05T10:00:00Z,maldon,25_34,road_safety,knife_crime,rural_crime,,"
    report = import_csv(survey.db, survey.definition, survey.pepper, _csv(tmp_path, first, changed, first))
    assert (report.imported, report.already_imported) == (3, 0)
    stored = stored_answers(survey.db, survey.pseudonym_of_sender("paper", "P-1"), survey.definition)
    assert stored is not None and stored.answers.get("district") == "harlow"


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
        (HEADER + ",district", "repeated columns: district"),
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


def test_an_old_essex_paper_form_file_is_told_exactly_how_to_rename_its_columns(survey: Survey, tmp_path: Path) -> None:
    with pytest.raises(CsvFileError) as refused:
        import_csv(survey.db, survey.definition, survey.pepper, _csv(tmp_path, *GOOD, header=OLD_HEADER))
    assert "rename 'priority_1' to 'priorities_1', 'priority_2' to 'priorities_2', 'priority_3' to 'priorities_3'" in (
        str(refused.value)
    )
    assert _respondents(survey) == 0


FIRE_HEADER = (
    "respondent_id,channel,submitted_at,area,home,evacuation,alarms,risks_1,risks_2,"
    "budget.response,budget.prevention,budget.protection,budget.resilience,safety,ideas"
)


def test_every_kind_imports_by_the_column_contract(fire: Survey, tmp_path: Path) -> None:
    rows = [
        "F-1,paper,2026-03-01,village,flat_high,unsure,smoke_alarm; co_alarm,flooding,wildfires,40,30,30,,very_safe,",
        "F-2,event,2026-03-02,coast,house,,,water_rescue,flooding,,,,100,dont_know,Call 07911 123456",
    ]
    assert FIRE_HEADER.split(",") == expected_columns(fire.definition)
    report = import_csv(fire.db, fire.definition, fire.pepper, _csv(tmp_path, *rows, header=FIRE_HEADER))
    assert (report.imported, report.errors) == (2, [])
    first = stored_answers(fire.db, fire.pseudonym_of_sender("paper", "F-1"), fire.definition)
    assert first is not None and first.answers.values == {
        "area": "village",
        "home": "flat_high",
        "evacuation": "unsure",
        "alarms": ("smoke_alarm", "co_alarm"),
        "risks": ("flooding", "wildfires"),
        "budget": {"response": 40, "prevention": 30, "protection": 30, "resilience": 0},
        "safety": "very_safe",
    }
    second = stored_answers(fire.db, fire.pseudonym_of_sender("event", "F-2"), fire.definition)
    assert second is not None and second.answers.get("ideas") == "Call [phone removed]"
    assert compute_results(fire.db, fire.definition)["questions"]["budget"]["options"][3]["mean_points"] == 50.0


def test_rows_of_every_kind_are_checked_with_row_numbers(fire: Survey, tmp_path: Path) -> None:
    rows = [
        "F-1,paper,2026-03-01,village,house,unsure,smoke_alarm,flooding,wildfires,40,30,30,,very_safe,",
        "F-2,paper,2026-03-01,village,house,,smoke_alarm;bogus,flooding,flooding,40,30,20,,very_safe,",
        "F-3,paper,2026-03-01,village,house,,,flooding,wildfires,lots,,,,very_safe,",
    ]
    report = import_csv(fire.db, fire.definition, fire.pepper, _csv(tmp_path, *rows, header=FIRE_HEADER))
    assert not report.committed
    assert report.errors == [
        "row 2: evacuation: asked only when home is flat_high",
        "row 3: alarms: 'bogus' is not one of smoke_alarm, heat_alarm, co_alarm, extinguisher, escape_plan,"
        " none_of_these",
        "row 3: risks: each choice must be different",
        "row 3: budget: the points must add up to 100, not 90",
        "row 4: budget: response: points must be a whole number from 0 to 100",
    ]
    assert compute_results(fire.db, fire.definition)["respondents"] == 0
