from __future__ import annotations

import pytest

from survey.answers import AnswerError, check_answers
from survey.definition import default_definition_path, load_definition
from survey.redaction import redact
from tests.survey.conftest import FIRE

DEFINITION = load_definition(default_definition_path())


FIRE_DEFINITION = load_definition(FIRE)
VALID: dict[str, object] = {
    "district": "harlow",
    "age_band": "25_34",
    "priorities": ["knife_crime", "road_safety", "rural_crime"],
    "facial_recognition": None,
    "comment": None,
}
FIRE_VALID: dict[str, object] = {
    "area": "village",
    "home": "flat_high",
    "evacuation": "unsure",
    "alarms": ["smoke_alarm", "co_alarm"],
    "risks": ["flooding", "wildfires"],
    "budget": {"response": "40", "prevention": 30, "protection": 30},
    "safety": "very_safe",
    "ideas": "",
}


def test_valid_answers_pass_and_optional_ones_may_be_empty() -> None:
    answers = check_answers(DEFINITION, VALID | {"age_band": "prefer_not_to_say", "facial_recognition": " "})
    assert answers.get("facial_recognition") is None and answers.get("comment") is None
    assert answers.get("priorities") == ("knife_crime", "road_safety", "rural_crime")


def test_every_kind_is_checked_and_normalised() -> None:
    answers = check_answers(FIRE_DEFINITION, FIRE_VALID | {"agree": "yes"})
    assert answers.values == {
        "area": "village",
        "home": "flat_high",
        "evacuation": "unsure",
        "alarms": ("smoke_alarm", "co_alarm"),
        "risks": ("flooding", "wildfires"),
        "budget": {"response": 40, "prevention": 30, "protection": 30, "resilience": 0},  # unnamed options get 0
        "safety": "very_safe",
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"district": "narnia"}, "district: 'narnia' is not one of basildon"),
        ({"district": None}, "district: an answer is required"),
        ({"priorities": ["knife_crime", "road_safety"]}, "choose exactly 3, not 2"),
        ({"priorities": ["knife_crime", "knife_crime", "road_safety"]}, "each choice must be different"),
        ({"priorities": ["knife_crime", "road_safety", "aliens"]}, "'aliens' is not one of"),
        ({"priorities": "knife_crime"}, "priorities: expected a list of options"),
        ({"facial_recognition": "maybe"}, "facial_recognition: 'maybe'"),
        ({"comment": "x" * 1001}, "at most 1000 characters, not 1001"),
        ({"consent": "no"}, "consent: answers are stored only with consent"),
        ({"favourite_colour": "red"}, "favourite_colour: not a question of this survey"),
    ],
)
def test_invalid_answers_are_explained(changes: dict[str, object], message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        check_answers(DEFINITION, VALID | changes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"alarms": ["smoke_alarm", "co_alarm", "heat_alarm", "extinguisher", "escape_plan"]}, "at most 4, not 5"),
        ({"alarms": ["smoke_alarm", "smoke_alarm"]}, "alarms: each choice must be different"),
        ({"budget": {"response": 50, "prevention": 30}}, "must add up to 100, not 80"),
        ({"budget": {"response": 150, "prevention": -50}}, "whole number from 0 to 100"),
        ({"budget": {"response": "forty", "prevention": 60}}, "whole number from 0 to 100"),
        ({"budget": {"police": 100}}, "'police' is not one of response"),
        ({"budget": [100]}, "expected points for each option"),
        ({"budget": None}, "budget: an answer is required"),
        ({"safety": "safe-ish"}, "safety: 'safe-ish' is not one of"),
        ({"home": "house"}, "evacuation: asked only when home is flat_high"),
        ({"risks": ["flooding"]}, "risks: choose exactly 2, not 1"),
    ],
)
def test_every_kind_explains_what_is_wrong(changes: dict[str, object], message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        check_answers(FIRE_DEFINITION, FIRE_VALID | changes)


def test_a_question_not_asked_needs_no_answer_even_when_required() -> None:
    definition = load_definition(FIRE)
    answers = check_answers(definition, {k: v for k, v in FIRE_VALID.items() if k != "evacuation"} | {"home": "house"})
    assert answers.get("evacuation") is None and answers.get("home") == "house"


def test_all_problems_are_listed_together() -> None:
    with pytest.raises(AnswerError) as refused:
        check_answers(FIRE_DEFINITION, {"area": "moon", "risks": ["flooding"]})
    assert len(refused.value.problems) >= 4  # area, home, risks, budget, safety


def test_contact_details_are_redacted_from_comments() -> None:
    comment = "I'm at 14 Mill Lane, CM1 1AA, call 07911 123456 or mail a.b@example.com"
    answers = check_answers(DEFINITION, VALID | {"comment": comment})
    assert answers.get("comment") == (
        "I'm at [address removed], [postcode removed], call [phone removed] or mail [email removed]"
    )


@pytest.mark.parametrize(
    "address",
    [
        "14 mill lane",
        "42 Station Approach",
        "16 Queensway",
        "5 Broadway",
        "1 Albert Embankment",
        "Flat 4 Rose Court",
        "flat 2, 17 High Street",
        "12a Hatfield Road",
        "7 Mill Walk",
        "3 Church Close",
        "9 Station Rd",
    ],
)
def test_street_addresses_are_removed(address: str) -> None:
    assert redact(f"Please patrol near {address} at night") == "Please patrol near [address removed] at night"


@pytest.mark.parametrize(
    "comment",
    [
        "I saw 3 kids walk down the lane",
        "About 200 people went to the park",
        "There were 20 cars on the green",
        "we need 24 hour policing on the high street",
        "10 minutes away",
        "2 park wardens",
        "my 2 kids walk home",
        "In 2023 the road got worse",
        "It took 45 days",
    ],
)
def test_numbers_in_ordinary_sentences_are_kept(comment: str) -> None:
    assert redact(comment) == comment
