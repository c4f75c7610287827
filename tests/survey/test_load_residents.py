"""The load test's residents answer whatever survey is configured: their typed replies, read by the conversation's
own reader one question after another, give back exactly the answers they were made from, for both consultations."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench.residents import COMMENT, survey_replies
from bench.survey import random_answers
from bot.actions.survey_answers import SKIPPED, Progress, read_reply
from survey.definition import QuestionKind, SurveyDefinition, default_definition_path, load_definition
from tests.survey.conftest import FIRE


def _read_back(definition: SurveyDefinition, replies: list[str]) -> dict[str, object]:
    """Feed the replies to the questions in order, as the survey form does (show_if from the answers so far)."""
    pending = iter(replies)
    values: dict[str, object] = {}
    for question in definition.questions:
        if not definition.is_shown(question, values):
            continue
        progress = Progress(question.id)
        while True:
            text = next(pending)
            reading = read_reply(question, text, None, progress)
            assert reading.problem is None, f"{question.id}: {text!r} was not understood: {reading.problem}"
            if reading.value is not None:
                values[question.id] = tuple(reading.value) if isinstance(reading.value, list) else reading.value
                break
            assert reading.progress is not None
            progress = reading.progress
    assert next(pending, None) is None, "replies left over after the last question"
    return values


@pytest.mark.parametrize("path", [default_definition_path(), FIRE], ids=["essex", "fire"])
def test_simulated_residents_answer_every_kind_of_the_configured_survey(path: Path) -> None:
    definition = load_definition(path)
    kinds_answered: set[QuestionKind] = set()
    for seed in range(200):
        replies = survey_replies(definition, random.Random(seed))
        expected = random_answers(definition, random.Random(seed)).values  # the draws the replies were made from
        read = _read_back(definition, replies)
        for question in definition.asked_questions():
            value = read.get(question.id)
            if question.kind is QuestionKind.TEXT:
                assert value in (None, SKIPPED, COMMENT)
            elif question.id in expected:
                assert value == expected[question.id], (seed, question.id, replies)
                kinds_answered.add(question.kind)
            else:
                assert value in (None, SKIPPED), (seed, question.id)
    asked = {q.kind for q in definition.asked_questions() if q.kind is not QuestionKind.TEXT}
    assert kinds_answered == asked
