"""A consultation's survey, read from YAML: wording and options are data; the question ids are a fixed contract."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9_]{0,39}$"
# Other tools (CSV import, results, the conversation) rely on these ids and kinds.
REQUIRED_QUESTIONS = {
    "consent": "consent",
    "district": "choice",
    "age_band": "choice",
    "priorities": "ranking",
    "facial_recognition": "choice",
    "comment": "text",
}


class DefinitionError(ValueError):
    """The survey file is missing, not YAML, or does not describe a valid survey."""


class QuestionKind(StrEnum):
    CONSENT = "consent"
    CHOICE = "choice"
    RANKING = "ranking"
    TEXT = "text"


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


class Question(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    kind: QuestionKind
    prompt: str = Field(min_length=1)
    required: bool = True
    options: tuple[Option, ...] = ()
    rank: int = Field(default=3, ge=1, le=10)  # for rankings: how many to rank
    max_length: int = Field(default=1000, ge=1, le=10_000)  # for text

    @model_validator(mode="after")
    def _check_options(self) -> Self:
        ids = [o.id for o in self.options]
        if len(ids) != len(set(ids)):
            raise ValueError(f"question '{self.id}' has duplicate option ids")
        if self.kind in (QuestionKind.CHOICE, QuestionKind.RANKING) and len(ids) < 2:
            raise ValueError(f"question '{self.id}' needs at least two options")
        if self.kind is QuestionKind.RANKING and self.rank > len(ids):
            raise ValueError(f"question '{self.id}' ranks {self.rank} of only {len(ids)} options")
        return self

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def option_ids(self) -> list[str]:
        return [o.id for o in self.options]


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
    questions: tuple[Question, ...]

    @model_validator(mode="after")
    def _check_questions(self) -> Self:
        ids = [q.id for q in self.questions]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate question ids")
        kinds = {q.id: q.kind.value for q in self.questions}
        for question_id, kind in REQUIRED_QUESTIONS.items():
            if kinds.get(question_id) != kind:
                raise ValueError(f"the survey must have a '{question_id}' question of kind '{kind}'")
        if self.question("consent").required is False or self.question("priorities").required is False:
            raise ValueError("'consent' and 'priorities' cannot be optional")
        return self

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)


def default_definition_path() -> Path:
    return Path(__file__).parent / "definitions" / "policing-priorities.yaml"


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
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'survey'}: {e['msg'].removeprefix('Value error, ')}"
            for e in error.errors()[:5]
        )
        raise DefinitionError(f"{path.name} is not a valid survey: {problems}") from None
