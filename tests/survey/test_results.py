from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from survey.answers import check_answers
from survey.definition import default_definition_path
from survey.disclosure import suppressed_groups, wilson_interval
from survey.results import Filters, compute_results, responses_per_week
from survey.service import Survey, open_survey
from tests.survey.conftest import submit, survey_config

# (district, age band, priorities, facial recognition, channel, day of October 2026)
Person = tuple[str, str, tuple[str, ...], str | None, str, int]
HARLOW_YOUNG: Person = ("harlow", "25_34", ("knife_crime", "road_safety", "rural_crime"), "oppose", "telegram", 1)
HARLOW_OLDER: Person = ("harlow", "35_44", ("road_safety", "knife_crime", "visible_policing"), "support", "web", 2)
MALDON: Person = ("maldon", "35_44", ("rural_crime", "road_safety", "knife_crime"), None, "web", 9)
SOUTHEND: Person = (
    "southend",
    "65_74",
    ("visible_policing", "anti_social_behaviour", "knife_crime"),
    "support",
    "paper",
    9,
)
PEOPLE: list[Person] = [HARLOW_YOUNG] * 6 + [HARLOW_OLDER] * 6 + [MALDON] * 3 + [SOUTHEND] * 2
COLCHESTER: list[Person] = [
    ("colchester", "45_54", ("fraud_vulnerable", "youth_prevention", "drugs_county_lines"), "dont_know", "web", 10)
] * 11


def _fill(survey: Survey, people: list[Person]) -> None:
    for number, (district, age, priorities, facial, channel, day) in enumerate(people):
        answers = check_answers(
            survey.definition,
            district=district,
            age_band=age,
            priorities=list(priorities),
            facial_recognition=facial,
            comment="private words",
        )
        submit(survey, channel, str(number), answers, str(number), dt.datetime(2026, 10, day, 12, tzinfo=dt.UTC))


def _row(results: dict, priority: str) -> dict:  # type: ignore[type-arg]
    return next(p for p in results["priorities"] if p["id"] == priority)


def test_overall_figures(survey: Survey) -> None:
    _fill(survey, PEOPLE)
    results = compute_results(survey.db, survey.definition)
    assert results["respondents"] == 17
    knife = _row(results, "knife_crime")
    assert (knife["first_choice"], knife["mentions"], knife["borda"]) == (6, 17, 6 * 3 + 6 * 2 + 3 * 1 + 2 * 1)
    assert knife["share"] == 1.0
    road = _row(results, "road_safety")
    assert (road["first_choice"], road["mentions"], road["borda"]) == (6, 15, 6 * 3 + 6 * 2 + 3 * 2)
    assert road["share"] == round(15 / 17, 4)
    interval, empty = wilson_interval(15, 17), wilson_interval(0, 17)
    assert interval is not None and empty is not None
    assert road["ci95"] == [round(interval[0], 4), round(interval[1], 4)]
    assert _row(results, "fraud_vulnerable") | {"label": None} == {
        "id": "fraud_vulnerable",
        "label": None,
        "first_choice": 0,
        "mentions": 0,
        "share": 0.0,
        "ci95": [0.0, round(empty[1], 4)],
        "borda": 0,
    }
    # Sorted by mentions, then Borda, then id.
    assert [p["id"] for p in results["priorities"][:4]] == [
        "knife_crime",
        "road_safety",
        "rural_crime",
        "visible_policing",
    ]
    assert results["facial_recognition"] == {
        "strongly_support": 0,
        "support": 8,
        "neutral": 0,
        "oppose": 6,
        "strongly_oppose": 0,
        "dont_know": 0,
    }
    assert "private words" not in repr(results)


def test_breakdowns_suppress_small_groups_and_protect_them_from_subtraction(survey: Survey) -> None:
    _fill(survey, PEOPLE + COLCHESTER)
    by_district = compute_results(survey.db, survey.definition, "district")["by"]
    assert by_district["harlow"]["respondents"] == 12 and not by_district["harlow"]["suppressed"]
    # maldon (3) and southend (2) are below 10. Together they are still 5, which the total minus the shown groups
    # would reveal, so the next smallest group (colchester, 11) is hidden too.
    for hidden in ("maldon", "southend", "colchester"):
        assert by_district[hidden]["suppressed"]
        assert by_district[hidden]["respondents"] is None
        assert all(p["mentions"] is None and p["share"] is None for p in by_district[hidden]["priorities"])
        assert set(by_district[hidden]["facial_recognition"].values()) == {None}
    assert by_district["basildon"]["respondents"] == 0 and not by_district["basildon"]["suppressed"]
    by_age = compute_results(survey.db, survey.definition, "age_band")["by"]
    assert [g for g, v in by_age.items() if v["suppressed"]] == ["25_34", "35_44", "65_74"]
    assert by_age["45_54"]["respondents"] == 11
    # The overall totals are never suppressed.
    assert compute_results(survey.db, survey.definition, "age_band")["respondents"] == 28


def test_a_single_small_group_takes_the_next_smallest_with_it() -> None:
    assert suppressed_groups({"a": 50, "b": 4, "c": 12, "d": 30, "e": 0}, 10) == {"b", "c"}
    assert suppressed_groups({"a": 50, "b": 12}, 10) == set()
    assert suppressed_groups({"a": 3, "b": 4, "c": 40}, 10) == {"a", "b", "c"}  # 3 + 4 < 10 would still be small


def test_the_threshold_is_configuration(tmp_path: Path, database_url: str) -> None:
    data = yaml.safe_load(default_definition_path().read_text())
    data["min_group_size"] = 3
    path = tmp_path / "survey.yaml"
    path.write_text(yaml.safe_dump(data))
    survey = open_survey(survey_config(database_url, path))
    _fill(survey, PEOPLE)
    by_district = compute_results(survey.db, survey.definition, "district")["by"]
    assert by_district["harlow"]["respondents"] == 12
    assert by_district["southend"]["suppressed"]  # 2 < 3
    assert by_district["maldon"]["suppressed"]  # 3, hidden so that southend is not total minus the rest
    survey.db.dispose()


def test_filters_and_weeks(survey: Survey) -> None:
    _fill(survey, PEOPLE)
    web = compute_results(survey.db, survey.definition, filters=Filters(channel="web"))
    assert web["respondents"] == 9
    early = compute_results(survey.db, survey.definition, filters=Filters(until=dt.date(2026, 10, 1)))
    assert early["respondents"] == 6
    assert responses_per_week(survey.db, survey.definition) == [
        {"week": "2026-09-28", "responses": 12},
        {"week": "2026-10-05", "responses": 5},
    ]


def test_an_empty_survey(survey: Survey) -> None:
    results = compute_results(survey.db, survey.definition, "district")
    assert results["respondents"] == 0
    assert all(p["share"] is None and p["ci95"] is None for p in results["priorities"])


@pytest.mark.parametrize(
    ("k", "n", "low", "high"), [(5, 10, 0.2366, 0.7634), (0, 10, 0.0, 0.2775), (81, 263, 0.2553, 0.3662)]
)
def test_wilson_interval_matches_published_values(k: int, n: int, low: float, high: float) -> None:
    interval = wilson_interval(k, n)
    assert interval is not None
    assert interval == pytest.approx((low, high), abs=1e-4)
