"""Checking a resident's answers against the survey definition before anything is stored.

`check_answers(definition, given)` takes question id -> value (choice/scale: an option id; multi/ranking: a sequence
of option ids, ranking in order; points: a mapping option id -> points; text: a string; consent: optional, must be
yes) and returns `Answers`, or raises `AnswerError` listing every problem, one line per question."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from survey.definition import Question, QuestionKind, SurveyDefinition
from survey.redaction import redact

AnswerValue = str | tuple[str, ...] | dict[str, int]


class AnswerError(ValueError):
    """Answers that do not fit the survey; `problems` says what, one line per question."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Answers:
    """Checked answers, question id -> value, in the survey's order; unanswered questions are absent."""

    values: Mapping[str, AnswerValue] = field(default_factory=dict)

    def get(self, question_id: str) -> AnswerValue | None:
        return self.values.get(question_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)


def check_answers(definition: SurveyDefinition, given: Mapping[str, object]) -> Answers:
    problems: list[str] = []
    known = {q.id for q in definition.questions}
    problems += [f"{_short(q)}: not a question of this survey" for q in given if q not in known]
    consent = definition.consent_question()
    if consent.id in given and not _is_yes(given[consent.id]):
        problems.append(f"{consent.id}: answers are stored only with consent")
    values: dict[str, AnswerValue] = {}
    for question in definition.asked_questions():
        raw = given.get(question.id)
        shown = definition.is_shown(question, values)
        try:
            value = _check(question, raw)
        except ValueError as error:
            problems.append(f"{question.id}: {error}")
            continue
        if value is None:
            if question.required and shown:
                problems.append(f"{question.id}: an answer is required")
        elif not shown:
            condition = question.show_if
            assert condition is not None
            problems.append(f"{question.id}: asked only when {condition.question} is {' or '.join(condition.any_of)}")
        else:
            values[question.id] = value
    if problems:
        raise AnswerError(problems)
    return Answers(values)


def _check(question: Question, raw: object) -> AnswerValue | None:
    """The checked value, None for no answer, or ValueError saying what is wrong."""
    kind = question.kind
    if kind in (QuestionKind.CHOICE, QuestionKind.SCALE):
        text = _text(raw)
        return _option(question, text) if text else None
    if kind is QuestionKind.TEXT:
        text = _text(raw)
        if text and len(text) > question.max_length:
            raise ValueError(f"at most {question.max_length} characters, not {len(text)}")
        return redact(text) if text else None
    if kind is QuestionKind.POINTS:
        return _points(question, raw)
    return _several(question, raw)


def _several(question: Question, raw: object) -> tuple[str, ...] | None:
    """multi and ranking: distinct option ids, as many as the question allows."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, str) or not isinstance(raw, Sequence):
        raise ValueError("expected a list of options")
    chosen = tuple(_option(question, t) for t in (_text(item) for item in raw) if t)
    if not chosen:
        return None
    if len(set(chosen)) != len(chosen):
        raise ValueError("each choice must be different")
    if question.kind is QuestionKind.RANKING and len(chosen) != question.rank:
        raise ValueError(f"choose exactly {question.rank}, not {len(chosen)}")
    if question.kind is QuestionKind.MULTI and len(chosen) > question.choices_allowed:
        raise ValueError(f"choose at most {question.choices_allowed}, not {len(chosen)}")
    return chosen


def _points(question: Question, raw: object) -> dict[str, int] | None:
    if raw is None or raw == "" or raw == {}:
        return None
    if not isinstance(raw, Mapping):
        raise ValueError("expected points for each option")
    shares: dict[str, int] = {}
    for option_id, amount in raw.items():
        option = _option(question, _text(option_id))
        number = _whole_number(amount)
        if number is None or not 0 <= number <= question.total:
            raise ValueError(f"{option}: points must be a whole number from 0 to {question.total}")
        shares[option] = number
    if sum(shares.values()) != question.total:
        raise ValueError(f"the points must add up to {question.total}, not {sum(shares.values())}")
    return {option_id: shares.get(option_id, 0) for option_id in question.option_ids()}


def _whole_number(amount: object) -> int | None:
    if isinstance(amount, bool):
        return None
    if isinstance(amount, int):
        return amount
    text = _text(amount)
    return int(text) if text.isdigit() and len(text) <= 7 else None


def _option(question: Question, option_id: str) -> str:
    if question.option(option_id) is None:
        raise ValueError(f"'{_short(option_id)}' is not one of {', '.join(question.option_ids())}")
    return option_id


def _text(raw: object) -> str:
    return raw.strip() if isinstance(raw, str) else "" if raw is None else str(raw).strip()


def _is_yes(raw: object) -> bool:
    return raw is True or _text(raw).lower() in ("yes", "true", "1")


def _short(value: str) -> str:
    return value if len(value) <= 40 else value[:37] + "..."
