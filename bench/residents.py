"""What a simulated resident types to take a survey, made from the survey definition (any consultation): a random
valid set of answers (show_if respected), each typed as a resident would, one question after another.

By kind: consent "yes"; choice and scale the option's label; multi one label per message, then "done" unless the
limit was reached; ranking one label per place; points every share in one message ("40 <label>, 60 <label>"); text a
neutral sentence; an optional question left out "skip". The replies end with the channel's way to save."""

from __future__ import annotations

import random

from bench.survey import random_answers
from survey.definition import Question, QuestionKind, SurveyDefinition

START = "take the survey"
COMMENT = "Thank you for asking residents about this."
DONE = "done"
SKIP = "skip"


def survey_replies(definition: SurveyDefinition, rng: random.Random) -> list[str]:
    """The messages that answer every question the survey asks this resident (the start and the save excluded)."""
    answers = random_answers(definition, rng)
    replies: list[str] = []
    given: dict[str, object] = {}
    for question in definition.questions:
        if not definition.is_shown(question, given):
            continue
        if question.kind is QuestionKind.CONSENT:
            replies.append("yes")
            given[question.id] = "yes"
            continue
        if question.kind is QuestionKind.TEXT:
            replies.append(COMMENT if question.required or rng.random() < 0.5 else SKIP)
            continue
        value = answers.get(question.id)
        if value is None:
            replies.append(SKIP)
            continue
        given[question.id] = value
        replies += _typed(question, value)
    return replies


def _typed(question: Question, value: object) -> list[str]:
    if isinstance(value, dict):  # points: the shares given, in one message
        return [", ".join(f"{points} {_name(question, option)}" for option, points in value.items() if points)]
    if isinstance(value, tuple):  # multi and ranking: one option per message
        picks = [_name(question, option) for option in value]
        finished = question.kind is QuestionKind.RANKING or len(value) == question.choices_allowed
        return picks if finished else [*picks, DONE]
    return [_name(question, str(value))]


def _name(question: Question, option_id: str) -> str:
    option = question.option(option_id)
    if option is None:
        raise ValueError(f"question '{question.id}' has no option '{option_id}'")
    return option.label
