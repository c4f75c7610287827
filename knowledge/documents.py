"""What a document in the corpus is."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Dates are kept as precise as the text states them: a year, a month or a day.
PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
DOC_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")


class Kind(StrEnum):
    MANIFESTO = "manifesto"
    PLAN = "plan"
    NEWS = "news"
    OPINION = "opinion"
    REPORT = "report"
    POLICY = "policy"
    STATEMENT = "statement"
    OTHER = "other"


class DocumentMeta(BaseModel):
    """A manifest entry: everything about a document except its text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str = Field(min_length=1)
    kind: Kind
    speaker: str | None = None
    speaker_role: str | None = None
    publisher: str | None = None
    published: str | None = None
    date_note: str | None = None
    url: str | None = None
    file: str
    source: str | None = None

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not DOC_ID.match(value):
            raise ValueError("must be 2-80 lowercase letters, digits or hyphens")
        return value

    @field_validator("published", mode="before")
    @classmethod
    def _check_date(cls, value: object) -> object:
        if value is None or value == "":
            return None
        text = str(value)
        if not PARTIAL_DATE.match(text):
            raise ValueError("must be YYYY, YYYY-MM or YYYY-MM-DD")
        return text

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) address")
        return value


class Document(BaseModel):
    """A clean document: its metadata and its text, which citations point into by character offset."""

    model_config = ConfigDict(frozen=True)

    meta: DocumentMeta
    text: str

    @property
    def id(self) -> str:
        return self.meta.id
