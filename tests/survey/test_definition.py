from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.corpus import default_corpus_dir, load_corpus
from survey.definition import DefinitionError, default_definition_path, load_definition

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


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["questions"].pop(3), "must have a 'priorities' question"),
        (lambda d: d["questions"][1]["options"].append({"id": "harlow", "label": "Harlow again"}), "duplicate option"),
        (lambda d: d["questions"][3].update(rank=11), "rank"),
        (lambda d: d["questions"][2]["options"].append({"id": 18_24, "label": "x"}), "valid string"),
        (lambda d: d["privacy_notice"].pop("version"), "privacy_notice.version"),
        (lambda d: d.update(min_group_size=1), "min_group_size"),
    ],
)
def test_invalid_definitions_get_clear_errors(tmp_path: Path, change: object, message: str) -> None:
    with pytest.raises(DefinitionError, match=message):
        load_definition(_variant(tmp_path, change))


def test_unreadable_or_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="cannot read"):
        load_definition(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("questions: [unclosed")
    with pytest.raises(DefinitionError, match="not valid YAML"):
        load_definition(broken)
