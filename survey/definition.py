"""A consultation's survey, read from YAML. Questions, options and kinds are data: no id is known to the code.

Public API (what the conversation, the importer and the results call):
- `load_definition(path) -> SurveyDefinition`; raises `DefinitionError` naming the file, the question and the reason.
- `SurveyDefinition`: `id`, `title`, `introduction`, `privacy_notice`, `min_group_size`, `election_period`,
  `questions`; `question(id)`, `consent_question()`, `asked_questions()` (every question but consent, in order),
  `breakdown_questions()`, `is_shown(question, answers)` (its `show_if` is met by the answers given so far).
- `Question`: `id`, `kind` (`QuestionKind`), `prompt`, `required`, `options`, `rank` (ranking), `max_choices` (multi),
  `total` (points), `max_length` (text), `breakdown`, `show_if` (`ShowIf`: `question`, `any_of`);
  `option(id)`, `option_ids()`, `csv_columns()`.
- `Option`: `id`, `label`, `description`, `aliases`, `sources`, `value` (scale: the score; None: counted, not scored).
- Answer values, by kind (see survey.answers): choice and scale an option id; multi and ranking a tuple of option
  ids (ranking in order); points a dict option id -> points; text a string. Consent is not stored: submitting is it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9_]{0,39}$"
RESERVED_COLUMNS = ("respondent_id", "channel", "submitted_at")  # the CSV import's first columns
MAX_OPTIONS = 60


class DefinitionError(ValueError):
    """The survey file is missing, not YAML, or does not describe a valid survey."""


class QuestionKind(StrEnum):
    CONSENT = "consent"
    CHOICE = "choice"
    MULTI = "multi"
    RANKING = "ranking"
    SCALE = "scale"
    POINTS = "points"
    TEXT = "text"


WITH_OPTIONS = frozenset(
    {QuestionKind.CHOICE, QuestionKind.MULTI, QuestionKind.RANKING, QuestionKind.SCALE, QuestionKind.POINTS}
)
# The keys that mean something only for one kind: given for another kind, they are a mistake in the file.
KIND_KEYS = {
    "rank": QuestionKind.RANKING,
    "max_choices": QuestionKind.MULTI,
    "total": QuestionKind.POINTS,
    "max_length": QuestionKind.TEXT,
    "breakdown": QuestionKind.CHOICE,
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceLink(_Strict):
    """A passage of the corpus that discusses an option (document id and a verbatim quote)."""

    doc: str
    quote: str = Field(min_length=1)


class Option(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    label: str = Field(min_length=1, max_length=60)
    description: str | None = None
    aliases: tuple[str, ...] = ()  # other words residents may type for it
    sources: tuple[SourceLink, ...] = ()
    value: int | None = Field(default=None, ge=-1000, le=1000)  # scale only: the score (None: not scored)


class ShowIf(_Strict):
    """Ask the question only when an earlier question was answered with one of these options."""

    question: str = Field(pattern=ID_PATTERN)
    any_of: tuple[str, ...] = Field(min_length=1)


class Question(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    kind: QuestionKind
    prompt: str = Field(min_length=1)
    required: bool = True
    options: tuple[Option, ...] = Field(default=(), max_length=MAX_OPTIONS)
    rank: int = Field(default=3, ge=1, le=10)  # ranking: how many to rank, in order
    max_choices: int | None = Field(default=None, ge=1)  # multi: at most this many (default: all)
    total: int = Field(default=100, ge=1, le=100_000)  # points: share exactly this many
    max_length: int = Field(default=1000, ge=1, le=10_000)  # text
    breakdown: bool = False  # choice: offered as a breakdown of the results
    show_if: ShowIf | None = None

    @model_validator(mode="after")
    def _check_kind(self) -> Self:
        for key, kind in KIND_KEYS.items():
            if key in self.model_fields_set and self.kind is not kind:
                raise ValueError(f"'{key}' applies only to {kind.value} questions, not {self.kind.value}")
        ids = self.option_ids()
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate option ids")
        if self.kind in WITH_OPTIONS and len(ids) < 2:
            raise ValueError(f"a {self.kind.value} question needs at least two options")
        if self.kind not in WITH_OPTIONS and ids:
            raise ValueError(f"a {self.kind.value} question has no options")
        if self.kind is QuestionKind.RANKING and self.rank > len(ids):
            raise ValueError(f"ranks {self.rank} of only {len(ids)} options")
        if self.kind is QuestionKind.MULTI and (self.max_choices or 0) > len(ids):
            raise ValueError(f"max_choices {self.max_choices} is more than the {len(ids)} options")
        self._check_values()
        return self

    def _check_values(self) -> None:
        scored = [o.value for o in self.options if o.value is not None]
        if self.kind is not QuestionKind.SCALE and scored:
            raise ValueError("only scale options have a 'value'")
        if self.kind is QuestionKind.SCALE and len(scored) < 2:
            raise ValueError("a scale question needs at least two options with a 'value'")

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def option_ids(self) -> list[str]:
        return [o.id for o in self.options]

    @property
    def choices_allowed(self) -> int:
        """multi: how many options a resident may pick."""
        return self.max_choices or len(self.options)

    def csv_columns(self) -> list[str]:
        """This question's columns in a CSV import (none for consent)."""
        if self.kind is QuestionKind.CONSENT:
            return []
        if self.kind is QuestionKind.RANKING:
            return [f"{self.id}_{position}" for position in range(1, self.rank + 1)]
        if self.kind is QuestionKind.POINTS:
            return [f"{self.id}.{option_id}" for option_id in self.option_ids()]
        return [self.id]


class PrivacyNotice(_Strict):
    version: str = Field(min_length=1, max_length=40)
    text: str = Field(min_length=1)
    lawful_basis: str = Field(min_length=1)
    retention_days: int = Field(default=365, ge=1)


class ElectionPeriod(_Strict):
    """Dates during which candidates' manifestos are not quoted (pre-election period), and what to say instead."""

    start: dt.date
    end: dt.date
    pointer: str = Field(
        default=(
            "During the pre-election period I don't quote candidates' manifestos. Official information about the "
            "candidates, including their election addresses, is published by your local council's elections office."
        ),
        min_length=1,
    )


class SurveyDefinition(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,79}$")
    title: str = Field(min_length=1)
    introduction: str = Field(min_length=1)
    privacy_notice: PrivacyNotice
    min_group_size: int = Field(default=10, ge=2, description="Breakdown groups smaller than this are suppressed.")
    election_period: ElectionPeriod | None = None
    questions: tuple[Question, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _check_questions(self) -> Self:
        ids = [q.id for q in self.questions]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate question ids: {', '.join(duplicates)}")
        consents = [q for q in self.questions if q.kind is QuestionKind.CONSENT]
        if len(consents) != 1 or self.questions[0] is not consents[0]:
            raise ValueError("the first question, and only it, must be of kind 'consent'")
        if not consents[0].required or consents[0].show_if:
            raise ValueError(f"question '{consents[0].id}': consent is always asked and required")
        for position, question in enumerate(self.questions):
            if question.show_if:
                _check_show_if(question, self.questions[:position])
        _check_csv_columns(self.questions)
        return self

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def consent_question(self) -> Question:
        return self.questions[0]

    def asked_questions(self) -> tuple[Question, ...]:
        """Every question whose answer is stored, in order (all but consent)."""
        return self.questions[1:]

    def breakdown_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.breakdown)

    def is_shown(self, question: Question, answers: Mapping[str, object]) -> bool:
        """Whether the question is asked, given the answers so far (question id -> option id, or option ids)."""
        if question.show_if is None:
            return True
        given = answers.get(question.show_if.question)
        chosen = {given} if isinstance(given, str) else set(given or ()) if isinstance(given, tuple | list) else set()
        return bool(chosen & set(question.show_if.any_of))

    def canonical_json(self) -> str:
        """The definition as stored beside its answers: stable key order, so equal definitions hash equal."""
        return json.dumps(
            self.model_dump(mode="json", exclude_defaults=True),
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )

    def digest(self) -> str:
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()


def _check_show_if(question: Question, earlier: tuple[Question, ...]) -> None:
    condition = question.show_if
    assert condition is not None
    target = next((q for q in earlier if q.id == condition.question), None)
    if target is None:
        raise ValueError(f"question '{question.id}': show_if names '{condition.question}', not an earlier question")
    if target.kind not in (QuestionKind.CHOICE, QuestionKind.MULTI, QuestionKind.SCALE):
        raise ValueError(f"question '{question.id}': show_if needs a choice, multi or scale question")
    unknown = [o for o in condition.any_of if target.option(o) is None]
    if unknown:
        raise ValueError(f"question '{question.id}': show_if option '{unknown[0]}' is not an option of '{target.id}'")


def _check_csv_columns(questions: tuple[Question, ...]) -> None:
    """Every question's CSV columns are distinct from the others' (a ranking 'x' and a question 'x_1' would clash)."""
    seen: dict[str, str] = {name: "the import" for name in RESERVED_COLUMNS}
    for question in questions:
        for column in question.csv_columns() or [question.id]:
            if column in seen:
                raise ValueError(f"question '{question.id}': its CSV column '{column}' clashes with {seen[column]}")
            seen[column] = f"question '{question.id}'"


def definition_from_json(text: str) -> SurveyDefinition:
    """A definition stored in the database (see `canonical_json`)."""
    return SurveyDefinition.model_validate(json.loads(text))


def default_definition_path() -> Path:
    """The shipped consultation run when CONSULT_SURVEY_FILE names none: named in definitions/default.txt (data)."""
    definitions = Path(__file__).parent / "definitions"
    return definitions / (definitions / "default.txt").read_text(encoding="utf-8").strip()


def load_definition(path: Path) -> SurveyDefinition:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DefinitionError(f"cannot read the survey definition {path}: {error.strerror or error}") from None
    except yaml.YAMLError as error:
        raise DefinitionError(f"{path} is not valid YAML: {error}") from None
    try:
        return SurveyDefinition.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(_describe(raw, e) for e in error.errors()[:5])
        raise DefinitionError(f"{path} is not a valid survey: {problems}") from None


def _describe(raw: Any, error: Any) -> str:
    """'question 'age' (questions.2), options.1.id: reason' rather than a bare position."""
    location = [str(part) for part in error["loc"]]
    message = str(error["msg"]).removeprefix("Value error, ")
    where = ".".join(location) or "survey"
    if len(location) >= 2 and location[0] == "questions" and location[1].isdigit():
        question_id = _question_id(raw, int(location[1]))
        if question_id:
            where = f"question '{question_id}' ({where})"
    return f"{where}: {message}"


def _question_id(raw: Any, index: int) -> str | None:
    try:
        value = raw["questions"][index]["id"]
    except (KeyError, IndexError, TypeError):
        return None
    return str(value)
