"""The JSON export's body (/dashboard/export.json) as typed models: its OpenAPI description, and a check on every
export (a figure added to the results without a model here fails loudly instead of reaching programs undescribed).
The shapes are those of survey/results.py (README, "Results")."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Interval = Annotated[list[float], Field(min_length=2, max_length=2, description="95% interval: low, high")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ShareOption(_Strict):
    id: str
    count: int
    share: float | None = Field(description="Of those who answered the question; null when nobody did.")
    ci95: Interval | None


class RankedOption(_Strict):
    id: str
    first_choice: int
    mentions: int
    share: float | None
    ci95: Interval | None
    borda: int


class PointsOption(_Strict):
    id: str
    mean_points: float | None
    mean_ci95: Interval | None


class ChoiceFigures(_Strict):
    kind: Literal["choice", "multi"]
    answered: int
    options: list[ShareOption]


class RankingFigures(_Strict):
    kind: Literal["ranking"]
    answered: int
    options: list[RankedOption]


class ScaleFigures(_Strict):
    kind: Literal["scale"]
    answered: int
    mean: float | None
    mean_ci95: Interval | None
    options: list[ShareOption]


class PointsFigures(_Strict):
    kind: Literal["points"]
    answered: int
    total: int
    options: list[PointsOption]


class TextFigures(_Strict):
    kind: Literal["text"]
    answered: int


QuestionFigures = Annotated[
    ChoiceFigures | RankingFigures | ScaleFigures | PointsFigures | TextFigures, Field(discriminator="kind")
]


class Results(_Strict):
    survey: str
    respondents: int
    questions: dict[str, QuestionFigures] = Field(description="By question id, in the survey's order.")


class Group(_Strict):
    respondents: int | None = Field(description="null when the group is suppressed")
    suppressed: bool
    questions: dict[str, QuestionFigures] | None


class Breakdown(_Strict):
    question: str = Field(description="The breakdown question's id, or 'channel'.")
    groups: dict[str, Group] = Field(description="By option id (or channel); 'not_answered' for those who did not.")


class BrokenDownResults(Results):
    by: Breakdown


class SurveyHeading(_Strict):
    id: str
    title: str
    min_group_size: int


class AppliedFilters(_Strict):
    channel: str | None
    since: str | None = Field(description="ISO date")
    until: str | None = Field(description="ISO date")


class Week(_Strict):
    week: str = Field(description="The ISO date of the week's Monday.")
    responses: int


class ResultsExport(_Strict):
    survey: SurveyHeading
    generated_at: str = Field(description="ISO date and time (UTC).")
    filters: AppliedFilters
    withheld: bool = Field(description="The filtered selection is smaller than min_group_size: no figures are given.")
    overall: Results | None
    breakdowns: dict[str, BrokenDownResults] = Field(description="By breakdown question id, and 'channel'.")
    weeks: list[Week]
