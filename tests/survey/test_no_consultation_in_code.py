"""A consultation is data: no survey id, question id, option id or place name of either shipped consultation appears
in the code outside tests (and outside migration 0001, which is history). The words searched for come from the
definitions themselves, so a third consultation added to survey/definitions/ is checked the same way."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from english_words import get_english_words_set

from survey.definition import QuestionKind, SurveyDefinition, default_definition_path, load_definition

REPO = Path(__file__).resolve().parents[2]
CODE = (".py", ".js", ".html", ".css", ".j2", ".sh", ".toml", ".cfg", ".ini", ".yml", ".yaml")
# Tests, the definitions themselves, history, and the documents the assistant quotes (data, not code).
NOT_CODE = ("tests/", "survey/definitions/", "survey/migrations/versions/0001_", "knowledge/corpus/")
# Ids that are also words of the engine's own vocabulary, each with where it is meant that way.
ENGINE_WORDS = {
    *(kind.value for kind in QuestionKind),  # question kinds (the consent question's id may be its kind)
    "safety",  # the type of a safety-advice reply (bot/relay.py)
    "response",  # a log field and the responses table (survey/comments.py, bot/rasa_logging)
    "agree",  # a typed yes (survey/matching.py)
    "house",  # a danger word the safety rules' spelling correction keeps (index/spelling.py)
}


def _definitions() -> list[SurveyDefinition]:
    return [load_definition(path) for path in sorted(default_definition_path().parent.glob("*.yaml"))]


def _ids(definition: SurveyDefinition) -> set[str]:
    ids = {definition.id}
    for question in definition.questions:
        ids |= {question.id, *question.option_ids()}
    return ids - ENGINE_WORDS


def _place_names(definition: SurveyDefinition) -> set[str]:
    """Breakdown answers named in title case ("Castle Point"), and capitalised words inside the title or such a
    label that do not start it ("Essex" in "Outside Essex")."""
    names: set[str] = set()
    labels = [o.label for q in definition.breakdown_questions() for o in q.options]
    for text in (definition.title, *labels):
        words = text.split()
        if text in labels and all(word[0].isupper() for word in words):
            names.add(text)
        names |= {word.strip(",.") for word in words[1:] if word[0].isupper()}
    return names


def _any_of(words: set[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))  # longest first: "Castle Point" whole


def _code_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    return [REPO / name for name in listed.split() if name.endswith(CODE) and not name.startswith(NOT_CODE)]


def test_the_words_searched_for_are_drawn_from_both_shipped_consultations() -> None:
    definitions = _definitions()
    assert len(definitions) >= 2
    for definition in definitions:
        assert len(_ids(definition)) > 20
    assert sum(len(_place_names(d)) for d in definitions) > 10


def test_no_consultation_id_or_place_name_in_code_outside_tests() -> None:
    ids = set().union(*(_ids(d) for d in _definitions()))
    places = set().union(*(_place_names(d) for d in _definitions()))
    quoted_id = re.compile(r"""["'`](""" + _any_of(ids) + r""")["'`]""")
    place = re.compile(r"\b(" + _any_of(places) + r")\b")
    # A place name that is no English word is found in lower case too ("essex"); "Point" only with its capital.
    english = get_english_words_set(["gcide"], lower=True)  # a dictionary: no place names
    proper = {name for name in places if name.lower() not in english}
    lowercase_place = re.compile(r"\b(" + _any_of(proper) + r")\b", re.IGNORECASE)
    found: list[str] = []
    for path in _code_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in (quoted_id, place, lowercase_place):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(REPO)}:{line}: {match.group(1)}")
    assert found == [], "consultation data written into code:\n" + "\n".join(found)
