"""Checking a resident's answers against the survey definition before anything is stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from survey.definition import SurveyDefinition
from survey.redaction import redact


class AnswerError(ValueError):
    """Answers that do not fit the survey; `problems` says what, one line per question."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Answers:
    district: str | None
    age_band: str | None
    priorities: tuple[str, ...]
    facial_recognition: str | None
    comment: str | None  # already redacted


def check_answers(
    definition: SurveyDefinition,
    *,
    district: str | None,
    age_band: str | None,
    priorities: Sequence[str | None],
    facial_recognition: str | None = None,
    comment: str | None = None,
) -> Answers:
    problems: list[str] = []
    choices = {"district": district, "age_band": age_band, "facial_recognition": facial_recognition}
    cleaned: dict[str, str | None] = {}
    for question_id, value in choices.items():
        question = definition.question(question_id)
        value = (value or "").strip() or None
        if value is None and question.required:
            problems.append(f"{question_id}: an answer is required")
        elif value is not None and question.option(value) is None:
            problems.append(f"{question_id}: '{_short(value)}' is not one of {', '.join(question.option_ids())}")
        cleaned[question_id] = value
    ranking = definition.question("priorities")
    chosen = [p.strip() for p in priorities if p and p.strip()]
    unknown = [p for p in chosen if ranking.option(p) is None]
    if unknown:
        problems.append(f"priorities: '{_short(unknown[0])}' is not one of {', '.join(ranking.option_ids())}")
    elif len(chosen) != ranking.rank:
        problems.append(f"priorities: choose exactly {ranking.rank}, not {len(chosen)}")
    elif len(set(chosen)) != len(chosen):
        problems.append("priorities: each choice must be different")
    text = (comment or "").strip() or None
    limit = definition.question("comment").max_length
    if text is not None and len(text) > limit:
        problems.append(f"comment: at most {limit} characters, not {len(text)}")
    if problems:
        raise AnswerError(problems)
    return Answers(
        district=cleaned["district"],
        age_band=cleaned["age_band"],
        priorities=tuple(chosen),
        facial_recognition=cleaned["facial_recognition"],
        comment=redact(text) if text else None,
    )


def _short(value: str) -> str:
    return value if len(value) <= 40 else value[:37] + "..."
