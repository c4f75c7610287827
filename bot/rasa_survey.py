"""The survey's part of the Rasa project, generated from the survey definition: one slot and one "ask" action per
question, the form in the definition's order, and NLU examples built from the options' labels and aliases.

The hand-written project (bot/rasa) and the generated files are assembled into one directory under the data
directory, which is what Rasa trains on; a consultation is a YAML file, never an edit of the Rasa project."""

from __future__ import annotations

import shutil
from itertools import islice
from pathlib import Path
from typing import Any

import yaml

from survey.definition import Question, QuestionKind, SurveyDefinition

SLOT_PREFIX = "answer_"
FORM = "survey_form"
SUMMARY_SLOT = "confirm"  # hand-written: the last step of the form
# Messages that are not an answer to the question being asked (they are handled by rules, then the form resumes).
NOT_ANSWERS = [
    "ask", "nlu_fallback", "stop", "my_data", "forget_me", "privacy_info", "help", "chitchat", "out_of_scope"
]  # fmt: skip
GENERATED_DOMAIN = "survey.yml"
GENERATED_NLU = "survey_answers.yml"
GENERATED_STORIES = "test_survey_stories.yml"
MAX_EXAMPLES_PER_QUESTION = 120  # enough to learn "this is an answer", few enough to keep training quick
UNANNOTATED = str.maketrans("", "", "[]{}")
POINT_SPLITS = ((50, 30, 20), (40, 40, 20), (60, 40), (70, 20, 10))  # percentages used to write points examples


def slot_name(question_id: str) -> str:
    return f"{SLOT_PREFIX}{question_id}"


def question_of_slot(slot: str) -> str | None:
    return slot.removeprefix(SLOT_PREFIX) if slot.startswith(SLOT_PREFIX) else None


def form_slots(definition: SurveyDefinition) -> list[str]:
    """Every slot the form may ask, in order (questions a show_if leaves out are dropped at run time)."""
    return [slot_name(q.id) for q in definition.questions] + [SUMMARY_SLOT]


def domain(definition: SurveyDefinition) -> dict[str, Any]:
    slots = {slot_name(q.id): _slot(slot_name(q.id)) for q in definition.questions}
    return {
        "version": "3.1",
        "slots": slots,
        "forms": {FORM: {"required_slots": form_slots(definition)}},
        "actions": [f"action_ask_{slot}" for slot in slots],
    }


def _slot(name: str) -> dict[str, Any]:
    """Filled by a button (the `option` entity) or by typed text, only while the form asks this question."""
    conditions = [{"active_loop": FORM, "requested_slot": name}]
    return {
        "type": "any",  # an option id, several (multi, ranking), points per option, or text
        "influence_conversation": False,
        "mappings": [
            {"type": "from_entity", "entity": "option", "conditions": conditions},
            {"type": "from_text", "not_intent": NOT_ANSWERS, "conditions": conditions},
        ],
    }


def nlu(definition: SurveyDefinition, taken: set[str]) -> dict[str, Any]:
    """`inform` examples for every question with options; `taken` holds (casefolded) examples of hand-written
    intents, which are left out so that "skip" or "no" keep their own meaning."""
    examples: list[str] = []
    for question in definition.questions:
        examples.extend(islice(_answers(question), MAX_EXAMPLES_PER_QUESTION))
    unique = [e for e in dict.fromkeys(e.strip() for e in examples) if e and e.casefold() not in taken]
    nlu_items: list[dict[str, Any]] = []
    if unique:
        nlu_items.append({"intent": "inform", "examples": _example_block(unique)})
    if definition.title.casefold() not in taken:
        nlu_items.append({"intent": "start_survey", "examples": _example_block([definition.title])})
    return {"version": "3.1", "nlu": nlu_items}


def _answers(question: Question) -> list[str]:
    names = [_names(question, index) for index in range(len(question.options))]
    single = [name for group in names for name in group]
    labels = [group[0] for group in names]
    if question.kind in (QuestionKind.CHOICE, QuestionKind.SCALE):
        return [*single, *(f"{name} please" for name in single[:20]), *(f"I'd say {name}" for name in labels[:10])]
    if question.kind in (QuestionKind.MULTI, QuestionKind.RANKING):
        return [*single, *_combinations(labels), *_combinations([g[-1] for g in names])]
    if question.kind is QuestionKind.POINTS:
        return [*labels, *_points(question, labels), *_points(question, [g[-1] for g in names])]
    return []


def _names(question: Question, index: int) -> list[str]:
    option = question.options[index]
    return [option.label, *option.aliases]


def _combinations(names: list[str]) -> list[str]:
    """ "A and B", "A, then B, then C": several answers in one message, rotating through the options."""
    count = len(names)
    pairs = [f"{names[i]} and {names[(i + 1) % count]}" for i in range(count)]
    triples = [f"{names[i]}, then {names[(i + 2) % count]}, then {names[(i + 1) % count]}" for i in range(count)]
    return pairs + triples if count > 2 else pairs


def _points(question: Question, names: list[str]) -> list[str]:
    """ "50 A, 30 B, 20 C" and "A 40, B 40, C 20": shares of the total, in the two orders people write them."""
    examples: list[str] = []
    for start in range(len(names)):
        split = POINT_SPLITS[start % len(POINT_SPLITS)]
        amounts = [question.total * share // 100 for share in split]
        chosen = [names[(start + offset) % len(names)] for offset in range(len(amounts))]
        examples.append(", ".join(f"{amount} {name}" for amount, name in zip(amounts, chosen, strict=True)))
        examples.append(" ".join(f"{name} {amount}" for amount, name in zip(amounts, chosen, strict=True)))
    return examples


def _example_block(examples: list[str]) -> str:
    """One example a line; brackets and braces removed, since Rasa reads `[text](entity)` as an annotation."""
    return "".join(f"- {' '.join(example.translate(UNANNOTATED).split())}\n" for example in examples)


def hand_written_examples(data_dir: Path) -> set[str]:
    """Every example of the hand-written NLU data, casefolded."""
    found: set[str] = set()
    for file in sorted(data_dir.rglob("*.yml")):
        content = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for item in content.get("nlu") or []:
            for line in str(item.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    found.add(line.strip()[2:].strip().casefold())
    return found


def assemble_project(definition: SurveyDefinition, source: Path, target: Path) -> Path:
    """The Rasa project to train and test: the hand-written files of `source` and the generated survey part.

    Rebuilt from scratch each time (a file removed from `source` does not linger); the training digest is computed
    over the result, so an unchanged survey and project retrain nothing."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy2(source / "config.yml", target / "config.yml")
    for folder in ("domain", "data", "tests"):
        shutil.copytree(source / folder, target / folder)
    taken = hand_written_examples(source / "data")
    _write(target / "domain" / GENERATED_DOMAIN, domain(definition))
    _write(target / "data" / "nlu" / GENERATED_NLU, nlu(definition, taken))
    _write(target / "tests" / GENERATED_STORIES, stories(definition))
    return target


def stories(definition: SurveyDefinition) -> dict[str, Any]:
    """Dialogue tests naming this survey's first slots: the form opens at consent, stops cleanly, and carries on
    after a question asked in the middle."""
    consent = slot_name(definition.consent_question().id)
    first = slot_name(definition.asked_questions()[0].id)
    opening: list[dict[str, Any]] = [
        {"intent": "start_survey"},
        {"action": "action_start_survey"},
        {"action": FORM},
        {"active_loop": FORM},
        {"slot_was_set": [{"requested_slot": consent}]},
    ]
    stopped = [
        {"intent": "stop"},
        {"action": "action_deactivate_loop"},
        {"active_loop": None},
        {"slot_was_set": [{"requested_slot": None}]},
        {"action": "action_survey_stopped"},
    ]
    interrupted = [
        {"intent": "affirm"},
        {"action": FORM},
        {"slot_was_set": [{consent: "yes"}]},
        {"slot_was_set": [{"requested_slot": first}]},
        {"intent": "ask"},
        {"action": "action_answer_question"},
        {"action": FORM},
        {"active_loop": FORM},
    ]
    return {
        "version": "3.1",
        "stories": [
            {"story": "the survey starts with the privacy notice and stops cleanly", "steps": [*opening, *stopped]},
            {"story": "a question in the middle of the survey, then back to it", "steps": [*opening, *interrupted]},
        ],
    }


class _Dumper(yaml.SafeDumper):
    """Plain YAML for people to read: no anchors, examples as a literal block like the hand-written files."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


_Dumper.add_representer(str, _represent_text)


def _write(path: Path, content: dict[str, Any]) -> None:
    header = "# Generated from the survey definition by bot/rasa_survey.py: do not edit.\n"
    text = yaml.dump(content, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
    path.write_text(header + text, encoding="utf-8")
