"""Aggregated results of any survey, read from the tallies: shares with Wilson intervals, first choices and Borda
points, scale means and points means with 95% intervals; overall, and by a breakdown question or by channel with
disclosure control. The JSON shape is a contract (README, "Results")."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, select

from survey.database import Database
from survey.definition import Question, QuestionKind, SurveyDefinition
from survey.disclosure import suppressed_groups, wilson_interval
from survey.models import Tally

CHANNEL = "channel"  # `by` value for a breakdown by channel (no question may be called that: a CSV column)
NOT_ANSWERED = "not_answered"
Z95 = 1.959964


class BreakdownError(ValueError):
    """A breakdown the survey does not offer."""


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
class _Group:
    """The tallies of one group (or of everyone): (question, option, item) -> count, total, squares."""

    cells: dict[tuple[str, str, int], list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))

    def count(self, question: str = "", option: str = "", item: int = 0) -> int:
        return self.cells[(question, option, item)][0] if (question, option, item) in self.cells else 0

    def sums(self, question: str, option: str, item: int = 0) -> list[int]:
        return self.cells.get((question, option, item), [0, 0, 0])


def breakdown_choices(definition: SurveyDefinition) -> list[str]:
    return [*(q.id for q in definition.breakdown_questions()), CHANNEL]


def compute_results(
    db: Database, definition: SurveyDefinition, by: str | None = None, filters: Filters | None = None
) -> dict[str, Any]:
    """The results object: overall figures are never suppressed; breakdown groups are."""
    if by is not None and by not in breakdown_choices(definition):
        raise BreakdownError(f"cannot break down by '{by}'; choose one of {', '.join(breakdown_choices(definition))}")
    filters = filters or Filters()
    overall = _read(db, definition, "", filters)[""]
    result: dict[str, Any] = {
        "survey": definition.id,
        "respondents": overall.count(),
        "questions": _questions(definition, overall),
    }
    if by is not None:
        groups = _read(db, definition, by, filters)
        result["by"] = {"question": by, "groups": _breakdown(definition, by, groups)}
    return result


def responses_per_week(
    db: Database, definition: SurveyDefinition, filters: Filters | None = None
) -> list[dict[str, Any]]:
    """Responses by ISO week (Monday) of submission, oldest first."""
    conditions = [*_conditions(definition, filters or Filters()), Tally.by_question == "", Tally.question == ""]
    query = select(Tally.day, func.sum(Tally.count)).where(*conditions).group_by(Tally.day)
    weeks: Counter[dt.date] = Counter()
    with db.read() as session:
        for value, count in session.execute(query):
            date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
            weeks[date - dt.timedelta(days=date.weekday())] += int(count)
    return [{"week": week.isoformat(), "responses": weeks[week]} for week in sorted(weeks) if weeks[week]]


def channels(db: Database, definition: SurveyDefinition) -> list[str]:
    """Channels with at least one current response."""
    query = (
        select(Tally.channel)
        .where(Tally.survey_id == definition.id, Tally.by_question == "", Tally.question == "")
        .group_by(Tally.channel)
        .having(func.sum(Tally.count) > 0)
    )
    with db.read() as session:
        return sorted(session.scalars(query))


def _read(db: Database, definition: SurveyDefinition, by: str, filters: Filters) -> dict[str, _Group]:
    """One grouped query over the tallies: group -> its cells."""
    by_channel = by == CHANNEL
    group = Tally.channel if by_channel else Tally.grp
    conditions = [*_conditions(definition, filters), Tally.by_question == ("" if by_channel else by)]
    sums = (func.sum(Tally.count), func.sum(Tally.total), func.sum(Tally.squares))
    keys = (group, Tally.question, Tally.option, Tally.item)
    groups: dict[str, _Group] = defaultdict(_Group)
    groups[""] = _Group()
    with db.read() as session:
        for name, question, option, item, count, total, squares in session.execute(
            select(*keys, *sums).where(*conditions).group_by(*keys)
        ):
            if count:
                groups[name or ("" if not by else NOT_ANSWERED)].cells[(question, option, item)] = [
                    int(count),
                    int(total),
                    int(squares),
                ]
    return groups


def _conditions(definition: SurveyDefinition, filters: Filters) -> list[ColumnElement[bool]]:
    conditions = [Tally.survey_id == definition.id]
    if filters.channel:
        conditions.append(Tally.channel == filters.channel)
    if filters.since:
        conditions.append(Tally.day >= filters.since)
    if filters.until:
        conditions.append(Tally.day <= filters.until)
    return conditions


def _questions(definition: SurveyDefinition, group: _Group) -> dict[str, Any]:
    return {question.id: figures(question, group) for question in definition.asked_questions()}


def figures(question: Question, group: _Group) -> dict[str, Any]:
    answered = group.count(question.id)
    base: dict[str, Any] = {"kind": question.kind.value, "answered": answered}
    if question.kind is QuestionKind.TEXT:
        return base
    if question.kind is QuestionKind.RANKING:
        return base | {"options": [_ranked(question, group, o, answered) for o in question.option_ids()]}
    if question.kind is QuestionKind.POINTS:
        return base | {"total": question.total, "options": [_points(question, group, o) for o in question.option_ids()]}
    options = [{"id": o} | _share(group.count(question.id, o), answered) for o in question.option_ids()]
    if question.kind is QuestionKind.SCALE:
        mean, interval = _scale_mean(question, group)
        return base | {"mean": mean, "mean_ci95": interval, "options": options}
    return base | {"options": options}


def _share(count: int, answered: int) -> dict[str, Any]:
    interval = wilson_interval(count, answered)
    return {
        "count": count,
        "share": round(count / answered, 4) if answered else None,
        "ci95": [round(interval[0], 4), round(interval[1], 4)] if interval else None,
    }


def _ranked(question: Question, group: _Group, option: str, answered: int) -> dict[str, Any]:
    places = [group.count(question.id, option, place) for place in range(1, question.rank + 1)]
    mentions = sum(places)
    share = _share(mentions, answered)
    return {
        "id": option,
        "first_choice": places[0],
        "mentions": mentions,
        "share": share["share"],
        "ci95": share["ci95"],
        "borda": sum((question.rank + 1 - place) * count for place, count in enumerate(places, start=1)),
    }


def _points(question: Question, group: _Group, option: str) -> dict[str, Any]:
    count, total, squares = group.sums(question.id, option)
    mean, interval = _mean_interval(count, total, squares)
    return {"id": option, "mean_points": mean, "mean_ci95": interval}


def _scale_mean(question: Question, group: _Group) -> tuple[float | None, list[float] | None]:
    """Mean of the scored options; options without a value are counted above but not here."""
    count = total = squares = 0
    for option in question.options:
        if option.value is not None:
            chosen = group.count(question.id, option.id)
            count, total, squares = count + chosen, total + chosen * option.value, squares + chosen * option.value**2
    return _mean_interval(count, total, squares)


def _mean_interval(count: int, total: int, squares: int) -> tuple[float | None, list[float] | None]:
    """Mean and a normal-approximation 95% interval (sample standard deviation); no interval below two values."""
    if count == 0:
        return None, None
    mean = total / count
    if count < 2:
        return round(mean, 4), None
    variance = max(0.0, (squares - count * mean * mean) / (count - 1))
    half = Z95 * math.sqrt(variance / count)
    return round(mean, 4), [round(mean - half, 4), round(mean + half, 4)]


def _breakdown(definition: SurveyDefinition, by: str, groups: dict[str, _Group]) -> dict[str, Any]:
    known = definition.question(by).option_ids() if by != CHANNEL else []
    names = [*known, *sorted(set(groups) - set(known) - {""})]
    counts = {name: groups[name].count() if name in groups else 0 for name in names}
    hidden = suppressed_groups(counts, definition.min_group_size)
    return {
        name: (
            {"respondents": None, "suppressed": True, "questions": None}
            if name in hidden
            else {
                "respondents": counts[name],
                "suppressed": False,
                "questions": _questions(definition, groups.get(name, _Group())),
            }
        )
        for name in names
    }
