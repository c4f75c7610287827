"""Exports of the aggregates: CSV safe against formula injection (one row per group, question and option)."""

from __future__ import annotations

import csv
import io
from typing import Any

from survey.definition import SurveyDefinition

CSV_COLUMNS = (
    "breakdown",
    "group",
    "respondents",
    "suppressed",
    "question",
    "kind",
    "answered",
    "option",
    "label",
    "count",
    "share",
    "ci95_low",
    "ci95_high",
    "first_choice",
    "mentions",
    "borda",
    "mean",
    "mean_ci95_low",
    "mean_ci95_high",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Spreadsheets run text that starts like a formula; a leading apostrophe makes it plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def results_csv(definition: SurveyDefinition, sections: dict[str, dict[str, Any]]) -> str:
    """`sections` maps "all" to the overall results and each breakdown (question id or channel) to its results.
    A scale's mean is a row of its own with an empty option; a suppressed group's figures are all empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for breakdown, results in sections.items():
        groups = {"all": results | {"suppressed": False}} if breakdown == "all" else results["by"]["groups"]
        for group, values in groups.items():
            for row in _rows(definition, breakdown, group, values):
                writer.writerow([safe_cell(row.get(column)) for column in CSV_COLUMNS])
    return buffer.getvalue()


def _rows(definition: SurveyDefinition, breakdown: str, group: str, values: dict[str, Any]) -> list[dict[str, Any]]:
    head = {"breakdown": breakdown, "group": group, "respondents": values["respondents"]}
    head["suppressed"] = values["suppressed"]
    rows: list[dict[str, Any]] = []
    for question in definition.asked_questions():
        labels = {o.id: o.label for o in question.options}
        base = head | {"question": question.id, "kind": question.kind.value}
        figures = (values.get("questions") or {}).get(question.id)
        if figures is None:  # suppressed: the question and its options, with no figures
            rows += [base | {"option": o, "label": labels[o]} for o in labels] or [base]
            continue
        base["answered"] = figures["answered"]
        if "mean" in figures:
            rows.append(base | _mean(figures["mean"], figures["mean_ci95"]))
        for option in figures.get("options", []):
            rows.append(base | {"option": option["id"], "label": labels[option["id"]]} | _option(option))
        if "options" not in figures:
            rows.append(base)
    return rows


def _option(figures: dict[str, Any]) -> dict[str, Any]:
    row = {k: figures.get(k) for k in ("count", "share", "first_choice", "mentions", "borda")}
    low, high = figures.get("ci95") or [None, None]
    row |= {"ci95_low": low, "ci95_high": high}
    if "mean_points" in figures:
        row |= _mean(figures["mean_points"], figures["mean_ci95"])
    return row


def _mean(mean: float | None, interval: list[float] | None) -> dict[str, Any]:
    low, high = (interval[0], interval[1]) if interval else (None, None)
    return {"mean": mean, "mean_ci95_low": low, "mean_ci95_high": high}
