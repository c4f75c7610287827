"""Theme quality gated on the figures recorded in theme_figures.json (held-out two thirds and the whole labelled set),
with a margin for numerical differences between machines.

Print the figures: `.venv/bin/python -m tests.survey.test_themes_quality`."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from index.embedding import Embedder
from tests.survey.theme_quality import Part, measure

FIGURES = Path(__file__).with_name("theme_figures.json")
MARGIN = 0.05


@pytest.mark.parametrize("part", ["held_out", "all"])
def test_themes_keep_their_recorded_quality(embedder: Embedder, part: Part) -> None:
    recorded = json.loads(FIGURES.read_text(encoding="utf-8"))[part]
    quality = measure(embedder, part)
    assert quality.answers == recorded["answers"]
    assert quality.adjusted_rand_index >= recorded["adjusted_rand_index"] - MARGIN, quality
    assert quality.label_accepted >= recorded["label_accepted"] - MARGIN, quality


if __name__ == "__main__":
    model = Embedder()
    parts: tuple[Part, ...] = ("development", "held_out", "all")
    for name in parts:
        print(name, json.dumps(asdict(measure(model, name))))
