from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.corpus import default_corpus_dir, load_corpus
from survey.definition import (
    DefinitionError,
    QuestionKind,
    default_definition_path,
    definition_from_json,
    load_definition,
)
from tests.survey.conftest import FIRE

DEFAULT = default_definition_path()


def _variant(tmp_path: Path, change: object) -> Path:
    data = yaml.safe_load(DEFAULT.read_text())
    change(data)  # type: ignore[operator]
    path = tmp_path / "survey.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def test_the_default_survey_has_the_stable_question_and_option_ids() -> None:
    definition = load_definition(DEFAULT)
    assert [q.id for q in definition.questions] == [
        "consent",
        "district",
        "age_band",
        "priorities",
        "facial_recognition",
        "comment",
    ]
    assert definition.question("district").option_ids()[-2:] == ["outside_essex", "prefer_not_to_say"]
    assert len(definition.question("district").options) == 16
    assert definition.question("age_band").option_ids() == [
        "under_18",
        "18_24",
        "25_34",
        "35_44",
        "45_54",
        "55_64",
        "65_74",
        "75_plus",
        "prefer_not_to_say",
    ]
    assert definition.question("priorities").option_ids() == [
        "visible_policing",
        "anti_social_behaviour",
        "knife_crime",
        "violence_against_women",
        "drugs_county_lines",
        "neighbourhood_crime",
        "road_safety",
        "youth_prevention",
        "rural_crime",
        "fraud_vulnerable",
    ]
    assert definition.question("facial_recognition").option_ids() == [
        "strongly_support",
        "support",
        "neutral",
        "oppose",
        "strongly_oppose",
        "dont_know",
    ]
    assert definition.question("comment").max_length == 1000
    assert definition.privacy_notice.version


def test_every_priority_has_a_label_description_and_verbatim_source_passages() -> None:
    texts = {d.id: d.text for d in load_corpus(default_corpus_dir())}
    for option in load_definition(DEFAULT).question("priorities").options:
        assert option.label and option.description
        assert option.sources, option.id
        for source in option.sources:
            assert source.quote in texts[source.doc], (option.id, source.quote[:40])


def test_wording_changes_need_no_code(tmp_path: Path) -> None:
    def reword(data: dict) -> None:  # type: ignore[type-arg]
        data["questions"][1]["prompt"] = "Where do you live?"
        data["questions"][1]["options"][0]["label"] = "Basildon borough"

    definition = load_definition(_variant(tmp_path, reword))
    assert definition.question("district").prompt == "Where do you live?"
    assert definition.question("district").options[0].label == "Basildon borough"


FIRE_DATA = FIRE.read_text()


def _fire_variant(tmp_path: Path, change: object) -> Path:
    data = yaml.safe_load(FIRE_DATA)
    change(data)  # type: ignore[operator]
    path = tmp_path / "fire.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def _question(data: dict, question_id: str) -> dict:  # type: ignore[type-arg]
    return next(q for q in data["questions"] if q["id"] == question_id)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["questions"][1]["options"].append({"id": "harlow", "label": "Harlow again"}), "duplicate option"),
        (lambda d: d["questions"][3].update(rank=11), "rank"),
        (lambda d: d["questions"][2]["options"].append({"id": 18_24, "label": "x"}), "valid string"),
        (lambda d: d["privacy_notice"].pop("version"), "privacy_notice.version"),
        (lambda d: d.update(min_group_size=1), "min_group_size"),
        (lambda d: d["questions"].pop(0), "the first question, and only it, must be of kind 'consent'"),
        (
            lambda d: d["questions"][1].update(kind="slider"),
            r"question 'district' \(questions.1.kind\): Input should be",
        ),
        (lambda d: d["questions"][4].update(rank=2), "question 'facial_recognition'.*'rank' applies only to ranking"),
        (
            lambda d: d["questions"][3].update(breakdown=True),
            "question 'priorities'.*'breakdown' applies only to choice",
        ),
        (lambda d: d["questions"][5].update(options=[{"id": "a", "label": "A"}]), "a text question has no options"),
        (lambda d: d["questions"][2].update(id="district"), "duplicate question ids: district"),
    ],
)
def test_invalid_definitions_get_clear_errors(tmp_path: Path, change: object, message: str) -> None:
    with pytest.raises(DefinitionError, match=message) as refused:
        load_definition(_variant(tmp_path, change))
    assert "survey.yaml" in str(refused.value)  # the file is named


def _unscore_all_but_one(data: dict) -> None:  # type: ignore[type-arg]
    for option in _question(data, "safety")["options"][1:]:
        option.pop("value", None)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _question(d, "evacuation")["show_if"].update(question="safety"), "not an earlier question"),
        (lambda d: _question(d, "evacuation")["show_if"].update(any_of=["castle"]), "'castle' is not an option of"),
        (lambda d: _question(d, "evacuation")["show_if"].update(question="ideas"), "not an earlier question"),
        (_unscore_all_but_one, "at least two options with a 'value'"),
        (lambda d: _question(d, "alarms")["options"][0].update(value=3), "only scale options have a 'value'"),
        (lambda d: _question(d, "alarms").update(max_choices=7), "max_choices 7 is more than the 6 options"),
        (lambda d: _question(d, "budget").update(total=0), r"question 'budget' \(questions.6.total\)"),
        (lambda d: _question(d, "budget").update(options=[{"id": "x", "label": "X"}]), "at least two options"),
        (lambda d: _question(d, "ideas").update(max_length=0), "question 'ideas'"),
        (lambda d: _question(d, "area").update(id="risks_1"), "CSV column 'risks_1' clashes"),
        (lambda d: _question(d, "area").update(id="channel"), "CSV column 'channel' clashes with the import"),
        (lambda d: _question(d, "agree").update(required=False), "consent is always asked and required"),
        (lambda d: _question(d, "home").update(colour="red"), "question 'home'.*Extra inputs are not permitted"),
    ],
)
def test_every_kind_of_mistake_in_a_survey_file_is_refused_naming_the_question(
    tmp_path: Path, change: object, message: str
) -> None:
    with pytest.raises(DefinitionError, match=message) as refused:
        load_definition(_fire_variant(tmp_path, change))
    assert "fire.yaml" in str(refused.value)


def test_the_second_consultation_uses_every_kind_a_show_if_and_two_breakdowns() -> None:
    definition = load_definition(FIRE)
    assert {q.kind for q in definition.questions} == set(QuestionKind)
    assert [q.id for q in definition.breakdown_questions()] == ["area", "home"]
    shown_when = definition.question("evacuation")
    assert definition.is_shown(shown_when, {"home": "flat_high"})
    assert not definition.is_shown(shown_when, {"home": "house"}) and not definition.is_shown(shown_when, {})
    assert definition.question("risks").csv_columns() == ["risks_1", "risks_2"]
    assert definition.question("budget").csv_columns()[0] == "budget.response"


def test_a_definition_survives_storage_and_hashes_by_content(tmp_path: Path) -> None:
    definition = load_definition(FIRE)
    assert definition_from_json(definition.canonical_json()) == definition
    reworded = load_definition(_fire_variant(tmp_path, lambda d: d.update(title="Another title")))
    assert reworded.digest() != definition.digest() and load_definition(FIRE).digest() == definition.digest()


def test_unreadable_or_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="cannot read"):
        load_definition(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("questions: [unclosed")
    with pytest.raises(DefinitionError, match="not valid YAML"):
        load_definition(broken)
