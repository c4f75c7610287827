"""Exports of the aggregates: CSV safe against formula injection, and JSON."""

from __future__ import annotations

import csv
import io
from typing import Any

CSV_COLUMNS = (
    "breakdown",
    "group",
    "respondents",
    "suppressed",
    "question",
    "option",
    "label",
    "first_choice",
    "mentions",
    "share",
    "ci95_low",
    "ci95_high",
    "borda",
    "count",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Spreadsheets run text that starts like a formula; a leading apostrophe makes it plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def results_csv(sections: dict[str, dict[str, Any]]) -> str:
    """One row per (group, answer option); `sections` maps a breakdown ("all", "district", ...) to its results."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for breakdown, results in sections.items():
        groups = {"all": results} if breakdown == "all" else results.get("by", {})
        for group, values in groups.items():
            for row in _rows(breakdown, group, values):
                writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def _rows(breakdown: str, group: str, values: dict[str, Any]) -> list[list[object]]:
    suppressed = values.get("suppressed", False)
    head = [breakdown, group, values["respondents"], suppressed]
    rows: list[list[object]] = []
    for p in values["priorities"]:
        interval = p["ci95"] or [None, None]
        rows.append(
            [
                *head,
                "priorities",
                p["id"],
                p["label"],
                p["first_choice"],
                p["mentions"],
                p["share"],
                interval[0],
                interval[1],
                p["borda"],
                None,
            ]
        )
    for option, count in values["facial_recognition"].items():
        rows.append([*head, "facial_recognition", option, None, None, None, None, None, None, None, count])
    return rows
