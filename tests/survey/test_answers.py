from __future__ import annotations

import pytest

from survey.answers import AnswerError, check_answers
from survey.definition import default_definition_path, load_definition
from survey.redaction import redact

DEFINITION = load_definition(default_definition_path())


def _check(**changes: object) -> None:
    values: dict[str, object] = {
        "district": "harlow",
        "age_band": "25_34",
        "priorities": ["knife_crime", "road_safety", "rural_crime"],
        "facial_recognition": None,
        "comment": None,
    }
    values |= changes
    check_answers(DEFINITION, **values)  # type: ignore[arg-type]


def test_valid_answers_pass_and_optional_ones_may_be_empty() -> None:
    answers = check_answers(
        DEFINITION,
        district="harlow",
        age_band="prefer_not_to_say",
        priorities=["knife_crime", "road_safety", "rural_crime"],
        facial_recognition=" ",
        comment="  ",
    )
    assert answers.facial_recognition is None and answers.comment is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"district": "narnia"}, "district: 'narnia' is not one of basildon"),
        ({"district": None}, "district: an answer is required"),
        ({"priorities": ["knife_crime", "road_safety"]}, "choose exactly 3, not 2"),
        ({"priorities": ["knife_crime", "knife_crime", "road_safety"]}, "each choice must be different"),
        ({"priorities": ["knife_crime", "road_safety", "aliens"]}, "'aliens' is not one of"),
        ({"facial_recognition": "maybe"}, "facial_recognition: 'maybe'"),
        ({"comment": "x" * 1001}, "at most 1000 characters, not 1001"),
    ],
)
def test_invalid_answers_are_explained(changes: dict[str, object], message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        _check(**changes)


def test_contact_details_are_redacted_from_comments() -> None:
    answers = check_answers(
        DEFINITION,
        district="harlow",
        age_band="25_34",
        priorities=["knife_crime", "road_safety", "rural_crime"],
        comment="I'm at 14 Mill Lane, CM1 1AA, call 07911 123456 or mail a.b@example.com",
    )
    assert answers.comment == (
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
