from __future__ import annotations

import pytest

from survey.answers import AnswerError, check_answers
from survey.definition import default_definition_path, load_definition

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
