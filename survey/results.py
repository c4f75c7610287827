"""Aggregated results: first choices, mentions with Wilson intervals, Borda points, facial-recognition answers,
overall and by district or age band, with disclosure control on the breakdowns."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
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
    first: Counter[str] | None = None
    mentions: Counter[str] | None = None
    borda: Counter[str] | None = None
    facial: Counter[str] | None = None

    def add(self, priorities: tuple[str, str, str], facial: str | None, count: int) -> None:
        self.first = self.first or Counter()
        self.mentions = self.mentions or Counter()
        self.borda = self.borda or Counter()
        self.facial = self.facial or Counter()
        self.respondents += count
        self.first[priorities[0]] += count
        for position, priority in enumerate(priorities):
            self.mentions[priority] += count
            self.borda[priority] += BORDA_POINTS[position] * count
        if facial:
            self.facial[facial] += count


def compute_results(
    db: Database, definition: SurveyDefinition, by: Breakdown | None = None, filters: Filters | None = None
) -> dict[str, Any]:
    """The results object (see README): overall figures are never suppressed; breakdown groups are."""
    filters = filters or Filters()
    group = getattr(Response, by) if by else None
    columns = [Response.priority_1, Response.priority_2, Response.priority_3, Response.facial_recognition]
    selected = [group, *columns] if group is not None else columns
    query = select(*selected, func.count()).where(*_conditions(definition, filters)).group_by(*selected)
    overall = _Tally()
    groups: dict[str, _Tally] = {}
    with db.read() as session:
        for row in session.execute(query):
            *key, count = row
            if group is not None:
                name, *key = key
                groups.setdefault(name or "not_answered", _Tally()).add((key[0], key[1], key[2]), key[3], count)
            overall.add((key[0], key[1], key[2]), key[3], count)
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
        mentions = (tally.mentions or Counter())[option.id]
        interval = wilson_interval(mentions, tally.respondents)
        rows.append(
            {
                "id": option.id,
                "label": option.label,
                "first_choice": (tally.first or Counter())[option.id],
                "mentions": mentions,
                "share": round(mentions / tally.respondents, 4) if tally.respondents else None,
                "ci95": [round(interval[0], 4), round(interval[1], 4)] if interval else None,
                "borda": (tally.borda or Counter())[option.id],
            }
        )
    return sorted(rows, key=lambda r: (-r["mentions"], -r["borda"], r["id"]))


def _facial(definition: SurveyDefinition, tally: _Tally) -> dict[str, int]:
    counts = tally.facial or Counter()
    return {option_id: counts[option_id] for option_id in definition.question("facial_recognition").option_ids()}


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
