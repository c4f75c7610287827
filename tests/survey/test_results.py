from __future__ import annotations

import datetime as dt
import math
import statistics
from pathlib import Path

import pytest
import yaml

from survey.answers import check_answers
from survey.definition import default_definition_path
from survey.disclosure import suppressed_groups, wilson_interval
from survey.results import BreakdownError, Filters, compute_results, responses_per_week
from survey.service import Survey, open_survey
from tests.survey.conftest import essex, submit, survey_config

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
        given = {"district": district, "age_band": age, "priorities": list(priorities)}
        answers = check_answers(survey.definition, given | {"facial_recognition": facial, "comment": "private words"})
        submit(survey, channel, str(number), answers, str(number), dt.datetime(2026, 10, day, 12, tzinfo=dt.UTC))


def _row(results: dict, priority: str) -> dict:  # type: ignore[type-arg]
    return next(p for p in results["questions"]["priorities"]["options"] if p["id"] == priority)


def _counts(results: dict, question: str) -> dict:  # type: ignore[type-arg]
    return {o["id"]: o["count"] for o in results["questions"][question]["options"]}


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
    assert _row(results, "fraud_vulnerable") == {
        "id": "fraud_vulnerable",
        "first_choice": 0,
        "mentions": 0,
        "share": 0.0,
        "ci95": [0.0, round(empty[1], 4)],
        "borda": 0,
    }
    # In the survey's order, every option listed.
    assert [p["id"] for p in results["questions"]["priorities"]["options"]] == survey.definition.question(
        "priorities"
    ).option_ids()
    assert results["questions"]["priorities"]["answered"] == 17
    assert _counts(results, "facial_recognition") == {
        "strongly_support": 0,
        "support": 8,
        "neutral": 0,
        "oppose": 6,
        "strongly_oppose": 0,
        "dont_know": 0,
    }
    facial = results["questions"]["facial_recognition"]
    assert facial["answered"] == 14 and facial["options"][1]["share"] == round(8 / 14, 4)  # of those who answered
    assert results["questions"]["comment"] == {"kind": "text", "answered": 17}
    assert "consent" not in results["questions"] and results["survey"] == survey.definition.id
    assert "private words" not in repr(results)


def test_breakdowns_suppress_small_groups_and_protect_them_from_subtraction(survey: Survey) -> None:
    _fill(survey, PEOPLE + COLCHESTER)
    by_district = compute_results(survey.db, survey.definition, "district")["by"]["groups"]
    assert by_district["harlow"]["respondents"] == 12 and not by_district["harlow"]["suppressed"]
    # maldon (3) and southend (2) are below 10. Together they are still 5, which the total minus the shown groups
    # would reveal, so the next smallest group (colchester, 11) is hidden too.
    for hidden in ("maldon", "southend", "colchester"):
        assert by_district[hidden]["suppressed"]
        assert by_district[hidden] == {"respondents": None, "suppressed": True, "questions": None}
    assert by_district["basildon"]["respondents"] == 0 and not by_district["basildon"]["suppressed"]
    by_age = compute_results(survey.db, survey.definition, "age_band")["by"]["groups"]
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
    by_district = compute_results(survey.db, survey.definition, "district")["by"]["groups"]
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
    assert all(p["share"] is None and p["ci95"] is None for p in results["questions"]["priorities"]["options"])
    assert set(results["by"]["groups"]) == set(survey.definition.question("district").option_ids())


# Newcombe (1998), "Two-sided confidence intervals for the single proportion", Statistics in Medicine 17, table I
# (method 3, the score interval), and two textbook cases.
@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0),
        (5, 10, 0.2366, 0.7634),
        (0, 10, 0.0, 0.2775),
    ],
)
def test_wilson_interval_matches_published_values(k: int, n: int, low: float, high: float) -> None:
    interval = wilson_interval(k, n)
    assert interval is not None
    assert interval == pytest.approx((low, high), abs=1e-4)


def test_a_breakdown_the_survey_does_not_offer_is_refused(survey: Survey) -> None:
    with pytest.raises(BreakdownError, match="cannot break down by 'priorities'; choose one of district, age_band"):
        compute_results(survey.db, survey.definition, "priorities")


def test_breakdown_by_channel(survey: Survey) -> None:
    _fill(survey, PEOPLE + COLCHESTER)
    groups = compute_results(survey.db, survey.definition, "channel")["by"]["groups"]
    # telegram 6 and paper 2 are small, and 8 together: web (20) is hidden too, or it would give them away
    assert [g for g, v in groups.items() if v["suppressed"]] == ["paper", "telegram", "web"]
    for number in range(12):
        submit(survey, "event", f"e{number}", essex(survey), f"event-{number}")
    groups = compute_results(survey.db, survey.definition, "channel")["by"]["groups"]
    assert [g for g, v in groups.items() if v["suppressed"]] == ["event", "paper", "telegram"]  # 12 hides with them
    assert groups["web"]["respondents"] == 20


# (area, home, evacuation, alarms, risks, budget, safety, channel)
FirePerson = tuple[str, str, str | None, list[str], list[str], dict[str, int], str, str]
VILLAGE_FLAT: list[FirePerson] = [
    (
        "village",
        "flat_high",
        "very_confident",
        ["smoke_alarm"],
        ["flooding", "wildfires"],
        {"response": 50, "prevention": 50},
        "very_safe",
        "web",
    )
]
VILLAGE_HOUSE: list[FirePerson] = [
    (
        "village",
        "house",
        None,
        ["smoke_alarm", "co_alarm"],
        ["wildfires", "flooding"],
        {"response": 20, "prevention": 30, "protection": 50},
        "fairly_unsafe",
        "web",
    )
]
COAST_FLAT: list[FirePerson] = [
    ("coast", "flat_high", "unsure", [], ["water_rescue", "flooding"], {"resilience": 100}, "dont_know", "paper")
]
FIRE_PEOPLE = VILLAGE_FLAT * 10 + VILLAGE_HOUSE * 6 + COAST_FLAT * 4


def _fill_fire(fire: Survey) -> None:
    for number, (area, home, evacuation, alarms, risks, budget, safety, channel) in enumerate(FIRE_PEOPLE):
        given = {"area": area, "home": home, "evacuation": evacuation, "alarms": alarms, "risks": risks}
        answers = check_answers(fire.definition, given | {"budget": budget, "safety": safety, "ideas": "my words"})
        submit(fire, channel, str(number), answers, f"f{number}", dt.datetime(2026, 10, 3, tzinfo=dt.UTC))


def _mean_ci(values: list[int]) -> tuple[float, list[float]]:
    mean = statistics.fmean(values)
    half = 1.959964 * statistics.stdev(values) / math.sqrt(len(values))
    return round(mean, 4), [round(mean - half, 4), round(mean + half, 4)]


def test_every_kind_of_question_has_its_figures(fire: Survey) -> None:
    _fill_fire(fire)
    results = compute_results(fire.db, fire.definition)
    questions = results["questions"]
    assert results["respondents"] == 20 and "agree" not in questions
    assert list(questions) == ["area", "home", "evacuation", "alarms", "risks", "budget", "safety", "ideas"]
    assert _counts(results, "area") == {
        "city_centre": 0,
        "suburbs": 0,
        "village": 16,
        "countryside": 0,
        "coast": 4,
        "no_answer": 0,
    }
    # multi: shares of those who answered (the 4 who ticked nothing did not answer)
    alarms = questions["alarms"]
    assert alarms["answered"] == 16 and alarms["kind"] == "multi"
    assert alarms["options"][0] == {"id": "smoke_alarm", "count": 16, "share": 1.0, "ci95": [0.8064, 1.0]}
    assert alarms["options"][2]["count"] == 6 and alarms["options"][2]["share"] == 0.375
    # ranking of 2: Borda 2 for a first place, 1 for a second
    flooding = next(o for o in questions["risks"]["options"] if o["id"] == "flooding")
    assert (flooding["first_choice"], flooding["mentions"], flooding["borda"]) == (10, 20, 10 * 2 + 10 * 1)
    water = next(o for o in questions["risks"]["options"] if o["id"] == "water_rescue")
    assert (water["first_choice"], water["mentions"], water["borda"], water["share"]) == (4, 4, 8, 0.2)
    # scale: "Don't know" counted, left out of the mean
    safety = questions["safety"]
    assert safety["answered"] == 20 and _counts(results, "safety")["dont_know"] == 4
    assert (safety["mean"], safety["mean_ci95"]) == _mean_ci([5] * 10 + [2] * 6)
    # show_if: asked only of those in high flats; the unscored "unsure" is not in the mean
    evacuation = questions["evacuation"]
    assert evacuation["answered"] == 14 and evacuation["mean"] == 4.0 and evacuation["mean_ci95"] == [4.0, 4.0]
    # points: mean of every allocation, with a 95% interval
    budget = questions["budget"]
    assert budget["total"] == 100 and budget["answered"] == 20
    response = next(o for o in budget["options"] if o["id"] == "response")
    assert (response["mean_points"], response["mean_ci95"]) == _mean_ci([50] * 10 + [20] * 6 + [0] * 4)
    resilience = next(o for o in budget["options"] if o["id"] == "resilience")
    assert resilience["mean_points"] == 20.0
    assert questions["ideas"] == {"kind": "text", "answered": 20}
    assert "my words" not in repr(results)


def test_every_breakdown_of_the_second_consultation(fire: Survey) -> None:
    suburbs: FirePerson = (
        "suburbs",
        "house",
        None,
        ["heat_alarm"],
        ["house_fires", "road_crashes"],
        {"response": 100},
        "fairly_safe",
        "telegram",
    )
    _fill_fire(fire)
    for number in range(17):
        given = dict(zip(("area", "home", "evacuation", "alarms", "risks", "budget", "safety"), suburbs, strict=False))
        submit(fire, "telegram", f"s{number}", check_answers(fire.definition, given), f"s{number}")
    by_area = compute_results(fire.db, fire.definition, "area")["by"]
    assert by_area["question"] == "area"
    groups = by_area["groups"]
    # coast (4) is below 15, so the next smallest (village, 16) is hidden with it; suburbs are shown
    assert [g for g, v in groups.items() if v["suppressed"]] == ["village", "coast"]
    shown = groups["suburbs"]
    assert shown["respondents"] == 17 and shown["questions"]["budget"]["options"][0]["mean_points"] == 100.0
    assert shown["questions"]["safety"]["mean"] == 4.0 and shown["questions"]["evacuation"]["answered"] == 0
    assert groups["city_centre"]["respondents"] == 0 and not groups["city_centre"]["suppressed"]
    by_home = compute_results(fire.db, fire.definition, "home")["by"]["groups"]
    assert by_home["house"]["suppressed"]  # 23, hidden with flat_high: else the total would give it away
    assert by_home["flat_high"]["suppressed"]  # 14 < 15
