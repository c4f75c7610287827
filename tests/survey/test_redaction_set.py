"""Redaction measured on the repository's test set (tests/survey/redaction_cases.yaml): recall of personal data and
false positives, gated on the figures recorded in redaction_figures.json with a small margin.

Print the figures: `.venv/bin/python -m tests.survey.test_redaction_set`."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from survey.redaction import redact

CASES = Path(__file__).with_name("redaction_cases.yaml")
FIGURES = Path(__file__).with_name("redaction_figures.json")
MARGIN = 0.02


@dataclass(frozen=True)
class Figures:
    personal_items: int
    recall: float
    clean_cases: int
    false_positive_rate: float  # clean cases (no personal data) whose text changed
    kept_strings: int
    kept_lost: int  # candidates, office holders, places and words that had to stay but were removed


def measure() -> tuple[Figures, list[str]]:
    data = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    candidates = data["candidates"]
    items = found = clean = changed = kept = lost = 0
    misses: list[str] = []
    for case in data["cases"]:
        text, personal, keep = case["text"], case["personal"], case.get("keep", [])
        redacted = redact(text, keep_names=candidates)
        still_there = [item for item in personal if item in redacted]
        lost_here = [item for item in keep if item not in redacted]
        items, found = items + len(personal), found + len(personal) - len(still_there)
        clean += not personal
        changed += not personal and redacted != text
        kept, lost = kept + len(keep), lost + len(lost_here)
        if still_there or lost_here or (not personal and redacted != text):
            misses.append(f"{text!r} -> {redacted!r}")
    figures = Figures(items, round(found / items, 3), clean, round(changed / clean, 3), kept, lost)
    return figures, misses


def test_redaction_keeps_its_recorded_recall_and_false_positives() -> None:
    recorded = json.loads(FIGURES.read_text(encoding="utf-8"))
    figures, misses = measure()
    assert figures.personal_items >= 100 or len(yaml.safe_load(CASES.read_text())["cases"]) >= 100
    assert figures.recall >= recorded["recall"] - MARGIN, misses
    assert figures.false_positive_rate <= recorded["false_positive_rate"] + MARGIN, misses
    assert figures.kept_lost <= recorded["kept_lost"], misses


def test_candidates_stay_and_private_names_go() -> None:
    text = "Priya Sharma promised more officers; my neighbour Dave Smith says so too."
    assert redact(text, keep_names=["Priya Sharma"]) == (
        "Priya Sharma promised more officers; my neighbour [name removed] says so too."
    )
    assert "Priya Sharma" not in redact(text)  # not a candidate here: a private person's name


if __name__ == "__main__":
    measured, missed = measure()
    print(json.dumps(asdict(measured), indent=2))
    print("\n".join(missed))
