"""Asking a survey question of any kind with buttons, and showing answers back (the summary, "what do you hold")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import button, say
from bot.actions.survey_answers import SKIPPED, Progress, example, next_points_option
from bot.reply_payload import Button, Reply
from survey.definition import Question, QuestionKind, SurveyDefinition

ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
TITLE_LIMIT = 60  # a question's short title: a Telegram button holds 64 characters
POINT_BUTTONS = 10  # about this many amounts offered as buttons for one option


def ask(definition: SurveyDefinition, question: Question, progress: Progress, dispatcher: CollectingDispatcher) -> None:
    kind = question.kind
    if kind is QuestionKind.CONSENT:
        say(
            dispatcher,
            Reply(
                text=f"{definition.privacy_notice.text}\n{question.prompt}",
                buttons=[button("Yes, I'm happy to take part", "affirm"), button("No thanks", "deny")],
            ),
        )
        return
    if kind is QuestionKind.MULTI:
        text, buttons = _multi(question, progress)
    elif kind is QuestionKind.RANKING:
        text, buttons = _ranking(question, progress)
    elif kind is QuestionKind.POINTS:
        text, buttons = _points(question, progress)
    else:
        text, buttons = question.prompt, [button(o.label, "choose", o.id) for o in question.options]
    if not question.required and not (progress.picked or progress.points):
        buttons.append(button("Skip", "skip"))
    say(dispatcher, Reply(text=text, buttons=buttons))


def _multi(question: Question, progress: Progress) -> tuple[str, list[Button]]:
    remaining = [o for o in question.options if o.id not in progress.picked]
    buttons = [button(o.label, "choose", o.id) for o in remaining]
    if not progress.picked:
        limit = question.choices_allowed
        how = "as many as apply" if limit >= len(question.options) else f"up to {limit}"
        return f"{question.prompt}\nChoose {how}, one at a time, then “Done”.", buttons
    so_far = ", ".join(_label(question, o) for o in progress.picked)
    return f"So far: {so_far}. Choose another, or “Done”.", [*buttons, button("Done", "affirm")]


def _ranking(question: Question, progress: Progress) -> tuple[str, list[Button]]:
    buttons = [button(o.label, "choose", o.id) for o in question.options if o.id not in progress.picked]
    position = len(progress.picked)
    if position == 0:
        return question.prompt, buttons
    return f"And your {ORDINALS[position] if position < len(ORDINALS) else f'number {position + 1}'} choice?", buttons


def _points(question: Question, progress: Progress) -> tuple[str, list[Button]]:
    current = question.option(next_points_option(question, progress))
    assert current is not None
    left = question.total - sum(progress.points.values())
    step = max(1, question.total // POINT_BUTTONS)
    amounts = [*range(0, left + 1, step), *([left] if left % step else [])]
    buttons = [button(str(amount), "choose", str(amount)) for amount in amounts]
    asked = f"How many points for {current.label}? ({left} left)"
    if not progress.points:
        return (
            f"{question.prompt}\nYou can type them all at once, for example “{example(question)}”, or give them one "
            f"at a time.\n{asked}",
            buttons,
        )
    given = ", ".join(f"{_label(question, o)}: {n}" for o, n in progress.points.items())
    return f"So far: {given}. {asked}", buttons


def title(question: Question) -> str:
    """The prompt's first sentence, short enough for a button ("Which area do you live in?")."""
    prompt = " ".join(question.prompt.split())
    ends = [i for i in (prompt.find("?"), prompt.find(". ")) if i >= 0]
    first = prompt[: min(ends) + 1] if ends else prompt
    return first if len(first) <= TITLE_LIMIT else first[: TITLE_LIMIT - 1].rsplit(" ", 1)[0] + "…"


def format_answer(question: Question, value: Any) -> str:
    if value is None or value == SKIPPED or value == "" or value == [] or value == {}:
        return "(not answered)"
    kind = question.kind
    if kind is QuestionKind.TEXT:
        return str(value)
    if kind is QuestionKind.POINTS and isinstance(value, Mapping):
        return ", ".join(f"{_label(question, o)}: {n}" for o, n in value.items())
    if kind is QuestionKind.RANKING and isinstance(value, list | tuple):
        return ", ".join(f"{n}. {_label(question, o)}" for n, o in enumerate(value, start=1))
    if isinstance(value, list | tuple):
        return ", ".join(_label(question, str(o)) for o in value)
    return _label(question, str(value))


def answer_lines(definition: SurveyDefinition, answers: Mapping[str, Any]) -> list[str]:
    """ "• title: answer" for every question the resident was asked (consent and show_if-skipped ones left out)."""
    given = comparable(answers)
    return [_line(q, answers.get(q.id)) for q in definition.asked_questions() if definition.is_shown(q, given)]


def _line(question: Question, value: Any) -> str:
    name = title(question)
    return f"• {name}{' ' if name.endswith('?') else ': '}{format_answer(question, value)}"


def comparable(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers as the definition compares them: skipped ones left out, several options as a tuple."""
    return {
        key: tuple(value) if isinstance(value, list) else value
        for key, value in answers.items()
        if value not in (None, SKIPPED, "")
    }


def _label(question: Question, option_id: str) -> str:
    option = question.option(option_id)
    return option.label if option else option_id
