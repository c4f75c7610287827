"""Aggregated results: first choices, mentions with Wilson intervals, Borda points, facial-recognition answers,
overall and by district or age band, with disclosure control on the breakdowns."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import ColumnElement, func, select

from survey.database import Database
from survey.definition import SurveyDefinition
from survey.disclosure import suppressed_groups, wilson_interval
from survey.models import Response

Breakdown = Literal["district", "age_band"]
BREAKDOWNS: tuple[Breakdown, ...] = ("district", "age_band")
BORDA_POINTS = (3, 2, 1)


@dataclass(frozen=True)
class Filters:
    """Optional narrowing used by the dashboard: one channel, a date range (inclusive, UTC days)."""

    channel: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    @property
    def active(self) -> bool:
        return any((self.channel, self.since, self.until))


@dataclass
class _Tally:
    respondents: int = 0
    first: Counter[str] = field(default_factory=Counter)
    mentions: Counter[str] = field(default_factory=Counter)
    borda: Counter[str] = field(default_factory=Counter)
    facial: Counter[str] = field(default_factory=Counter)

    def add_ranking(self, priorities: tuple[str, str, str], count: int) -> None:
        self.respondents += count
        self.first[priorities[0]] += count
        for position, priority in enumerate(priorities):
            self.mentions[priority] += count
            self.borda[priority] += BORDA_POINTS[position] * count

    def add_facial(self, answer: str | None, count: int) -> None:
        if answer:
            self.facial[answer] += count

    def merge(self, other: _Tally) -> None:
        self.respondents += other.respondents
        for mine, theirs in (
            (self.first, other.first),
            (self.mentions, other.mentions),
            (self.borda, other.borda),
            (self.facial, other.facial),
        ):
            mine.update(theirs)


def compute_results(
    db: Database, definition: SurveyDefinition, by: Breakdown | None = None, filters: Filters | None = None
) -> dict[str, Any]:
    """The results object (see README): overall figures are never suppressed; breakdown groups are.

    Two grouped queries (rankings, facial recognition) per breakdown; the overall figures are the sum of the groups.
    """
    filters = filters or Filters()
    group = getattr(Response, by or "district")
    conditions = _conditions(definition, filters)
    ranking = (Response.priority_1, Response.priority_2, Response.priority_3)
    groups: dict[str, _Tally] = {}
    with db.read() as session:
        for name, first, second, third, count in session.execute(
            select(group, *ranking, func.count()).where(*conditions).group_by(group, *ranking)
        ):
            groups.setdefault(name or "not_answered", _Tally()).add_ranking((first, second, third), count)
        for name, answer, count in session.execute(
            select(group, Response.facial_recognition, func.count())
            .where(*conditions)
            .group_by(group, Response.facial_recognition)
        ):
            groups.setdefault(name or "not_answered", _Tally()).add_facial(answer, count)
    overall = _Tally()
    for tally in groups.values():
        overall.merge(tally)
    result: dict[str, Any] = {
        "respondents": overall.respondents,
        "priorities": _priorities(definition, overall),
        "facial_recognition": _facial(definition, overall),
    }
    if by:
        result["by"] = _breakdown(definition, by, groups)
    return result


def responses_per_week(
    db: Database, definition: SurveyDefinition, filters: Filters | None = None
) -> list[dict[str, Any]]:
    """Responses by ISO week (Monday) of submission, oldest first."""
    day = func.date(Response.submitted_at)
    query = select(day, func.count()).where(*_conditions(definition, filters or Filters())).group_by(day)
    weeks: Counter[dt.date] = Counter()
    with db.read() as session:
        for value, count in session.execute(query):
            date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
            weeks[date - dt.timedelta(days=date.weekday())] += count
    return [{"week": week.isoformat(), "responses": weeks[week]} for week in sorted(weeks)]


def channels(db: Database, definition: SurveyDefinition) -> list[str]:
    with db.read() as session:
        query = select(Response.channel).where(Response.survey_id == definition.id).distinct()
        return sorted(session.scalars(query))


def _conditions(definition: SurveyDefinition, filters: Filters) -> list[ColumnElement[bool]]:
    conditions = [Response.survey_id == definition.id]
    if filters.channel:
        conditions.append(Response.channel == filters.channel)
    if filters.since:
        conditions.append(Response.submitted_at >= dt.datetime.combine(filters.since, dt.time(), dt.UTC))
    if filters.until:
        end = dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time(), dt.UTC)
        conditions.append(Response.submitted_at < end)
    return conditions


def _priorities(definition: SurveyDefinition, tally: _Tally) -> list[dict[str, Any]]:
    rows = []
    for option in definition.question("priorities").options:
        mentions = tally.mentions[option.id]
        interval = wilson_interval(mentions, tally.respondents)
        rows.append(
            {
                "id": option.id,
                "label": option.label,
                "first_choice": tally.first[option.id],
                "mentions": mentions,
                "share": round(mentions / tally.respondents, 4) if tally.respondents else None,
                "ci95": [round(interval[0], 4), round(interval[1], 4)] if interval else None,
                "borda": tally.borda[option.id],
            }
        )
    return sorted(rows, key=lambda r: (-r["mentions"], -r["borda"], r["id"]))


def _facial(definition: SurveyDefinition, tally: _Tally) -> dict[str, int]:
    return {option_id: tally.facial[option_id] for option_id in definition.question("facial_recognition").option_ids()}


def _breakdown(definition: SurveyDefinition, by: Breakdown, groups: dict[str, _Tally]) -> dict[str, Any]:
    names = _group_names(definition.question(by).option_ids(), groups)
    counts = {name: groups[name].respondents if name in groups else 0 for name in names}
    hidden = suppressed_groups(counts, definition.min_group_size)
    breakdown: dict[str, Any] = {}
    for name in names:
        tally = groups.get(name, _Tally())
        if name in hidden:
            breakdown[name] = {
                "respondents": None,
                "suppressed": True,
                "priorities": [_nulled(row) for row in _priorities(definition, _Tally())],
                "facial_recognition": {k: None for k in definition.question("facial_recognition").option_ids()},
            }
        else:
            breakdown[name] = {
                "respondents": tally.respondents,
                "suppressed": False,
                "priorities": _priorities(definition, tally),
                "facial_recognition": _facial(definition, tally),
            }
    return breakdown


def _group_names(option_ids: list[str], groups: Iterable[str]) -> list[str]:
    extra = sorted(set(groups) - set(option_ids))  # e.g. not_answered, or an option since removed from the survey
    return [*option_ids, *extra]


def _nulled(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if k in ("id", "label") else None) for k, v in row.items()}
