"""The survey's Rasa project generated from a definition, and replies of every kind read without Rasa running."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.actions.survey_answers import SKIPPED, Progress, parse_points, read_reply
from bot.actions.survey_questions import format_answer, title
from bot.rasa_env import RASA_PROJECT, training_digest
from bot.rasa_survey import assemble_project, form_slots, hand_written_examples, slot_name
from survey.definition import Question, SurveyDefinition, load_definition

DEFINITIONS = Path(__file__).resolve().parents[2] / "survey" / "definitions"
ESSEX = load_definition(DEFINITIONS / "policing-priorities.yaml")
FIRE = load_definition(DEFINITIONS / "fire-community-risk.yaml")


@pytest.mark.parametrize("definition", [ESSEX, FIRE], ids=["essex", "fire"])
def test_the_generated_project_has_a_slot_and_an_ask_action_per_question(
    definition: SurveyDefinition, tmp_path: Path
) -> None:
    project = assemble_project(definition, RASA_PROJECT, tmp_path / "project")
    generated = yaml.safe_load((project / "domain" / "survey.yml").read_text())
    slots = [slot_name(q.id) for q in definition.questions]
    assert list(generated["slots"]) == slots
    assert generated["forms"]["survey_form"]["required_slots"] == form_slots(definition) == [*slots, "confirm"]
    assert generated["actions"] == [f"action_ask_{slot}" for slot in slots]
    examples = _examples(project / "data" / "nlu" / "survey_answers.yml")
    taken = hand_written_examples(RASA_PROJECT / "data")
    labels = {o.label for q in definition.questions for o in q.options}
    assert all(label in examples["inform"] or label.casefold() in taken for label in labels)  # each learnt once
    assert not {e.casefold() for e in examples["inform"]} & taken


def test_the_model_is_retrained_when_what_residents_may_type_changes_and_not_for_wording(tmp_path: Path) -> None:
    first = training_digest(assemble_project(FIRE, RASA_PROJECT, tmp_path / "a"))
    again = training_digest(assemble_project(FIRE, RASA_PROJECT, tmp_path / "b"))
    area = FIRE.question("area")
    reworded = area.model_copy(update={"prompt": "Where is your home?"})
    aliased = area.model_copy(
        update={"options": (*area.options[:-1], area.options[-1].model_copy(update={"aliases": ("no comment",)}))}
    )
    prompts = training_digest(assemble_project(_with(FIRE, reworded), RASA_PROJECT, tmp_path / "c"))
    aliases = training_digest(assemble_project(_with(FIRE, aliased), RASA_PROJECT, tmp_path / "d"))
    assert first == again == prompts != aliases


def _with(definition: SurveyDefinition, question: Question) -> SurveyDefinition:
    questions = tuple(question if q.id == question.id else q for q in definition.questions)
    return definition.model_copy(update={"questions": questions})


def test_the_hand_written_nlu_names_no_place_of_a_consultation() -> None:
    examples = hand_written_examples(RASA_PROJECT / "data")
    generic = ("outside_essex", "prefer_not_to_say")  # "elsewhere", "rather not say": not places
    districts = [o for o in ESSEX.question("district").options if o.id not in generic]
    for place in [name.casefold() for o in districts for name in (o.label, *o.aliases)]:
        assert not [e for e in examples if re.search(rf"\b{re.escape(place)}\b", e)], place


def test_replies_of_every_kind() -> None:
    def read(question_id: str, text: str, progress: Progress | None = None, intent: str | None = None) -> object:
        reading = read_reply(FIRE.question(question_id), text, intent, progress or Progress(question_id))
        return reading.value if reading.value is not None else reading.problem or reading.progress

    assert read("agree", "yes please") == "yes" and read("agree", "/deny", intent="deny") == "declined"
    assert read("area", "rural") == "countryside" and read("area", '{"option":"coast"}') is not None
    assert read("evacuation", "/skip", intent="skip") == SKIPPED
    assert read("safety", "4") == "fairly_safe" and read("safety", "Very unsafe") == "very_unsafe"
    assert "needs an answer" in str(read("safety", "skip", intent="skip"))
    two = read("alarms", "smoke alarm and carbon monoxide")
    assert two == Progress("alarms", ("smoke_alarm", "co_alarm"))
    assert isinstance(two, Progress) and read("alarms", "done", two) == ["smoke_alarm", "co_alarm"]
    assert "at least one" in str(read("alarms", "/affirm", intent="affirm"))
    assert read("risks", "flooding then wildfires") == ["flooding", "wildfires"]
    assert read("risks", "crashes", Progress("risks", ("road_crashes",))) != ["road_crashes", "road_crashes"]
    assert "add up to 90 points, not 100" in str(read("budget", "50 response, 40 prevention"))
    assert read("budget", "prevention 25, response 25, inspections 25, climate 25") == {
        "response": 25,
        "prevention": 25,
        "protection": 25,
        "resilience": 25,
    }
    given = Progress("budget", points={"response": 70})
    assert "You have 30 points left" in str(read("budget", "40", given))
    assert read("budget", "30", given) == {"response": 70, "prevention": 30, "protection": 0, "resilience": 0}
    assert "under 800 characters" in str(read("ideas", "x" * 801))
    assert read("ideas", "nothing", intent="skip") == SKIPPED


def test_points_typed_in_either_order_and_an_unreadable_piece_refused() -> None:
    budget = FIRE.question("budget")
    assert parse_points(budget, "response 50 prevention 30 climate 20") == {
        "response": 50,
        "prevention": 30,
        "resilience": 20,
    }
    assert parse_points(budget, "50 Home safety visits and prevention, 50 inspections") == {
        "prevention": 50,
        "protection": 50,
    }
    assert parse_points(budget, "50 response, 50 something else") == {}


def test_answers_are_shown_with_labels_and_a_short_title() -> None:
    assert title(FIRE.question("budget")) == "If you had 100 points to share across these services, how…"
    assert format_answer(ESSEX.question("priorities"), ("road_safety", "rural_crime", "knife_crime")) == (
        "1. Road safety, 2. Rural crime, 3. Knife crime and serious violence"
    )
    assert format_answer(FIRE.question("budget"), {"response": 60, "prevention": 40}) == (
        "Fast response to emergencies: 60, Home safety visits and prevention: 40"
    )
    assert format_answer(FIRE.question("ideas"), SKIPPED) == "(not answered)"


def _examples(path: Path) -> dict[str, list[str]]:
    content = yaml.safe_load(path.read_text())
    return {
        item["intent"]: [line[2:].strip() for line in item["examples"].splitlines() if line.startswith("- ")]
        for item in content["nlu"]
    }


def test_a_survey_written_only_from_the_contract_is_asked_and_read(tmp_path: Path) -> None:
    """Ids the shipped consultations never use: a question id starting with a digit, numeric option ids whose scores
    run the other way, a multi without max_choices, points over 10."""
    notice = {"version": "1", "text": "We keep your answers.", "lawful_basis": "Public task."}
    definition = SurveyDefinition.model_validate(
        {
            "id": "parks-2030",
            "title": "Parks",
            "introduction": "About parks.",
            "privacy_notice": notice,
            "questions": [
                {"id": "ok", "kind": "consent", "prompt": "Happy to take part?"},
                {
                    "id": "2030_rating",
                    "kind": "scale",
                    "prompt": "Rate the parks. 1 is best.",
                    "options": [{"id": "1", "label": "Best", "value": 5}, {"id": "5", "label": "Worst", "value": 1}],
                },
                {
                    "id": "uses",
                    "kind": "multi",
                    "prompt": "What do you do there?",
                    "options": [{"id": "walk", "label": "Walk"}, {"id": "play", "label": "Play"}],
                },
                {
                    "id": "spend",
                    "kind": "points",
                    "total": 10,
                    "prompt": "Share 10 points.",
                    "options": [{"id": "paths", "label": "Paths"}, {"id": "toilets", "label": "Toilets"}],
                },
            ],
        }
    )
    project = assemble_project(definition, RASA_PROJECT, tmp_path / "project")
    assert "answer_2030_rating" in yaml.safe_load((project / "domain" / "survey.yml").read_text())["slots"]
    rating, uses, spend = definition.asked_questions()
    assert read_reply(rating, "5", None, Progress(rating.id)).value == "5"  # the button's id, not the score 5
    assert read_reply(uses, "walk and play", None, Progress(uses.id)).value == ["walk", "play"]  # all picked: done
    assert read_reply(spend, "7", None, Progress(spend.id)).value == {"paths": 7, "toilets": 3}
    assert "add up to 11 points, not 10" in str(
        read_reply(spend, "paths 6, toilets 5", None, Progress(spend.id)).problem
    )
    assert title(rating) == "Rate the parks."
