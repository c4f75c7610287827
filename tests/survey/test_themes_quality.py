"""Theme quality gated on the figures recorded in theme_figures.json (held-out two thirds and the whole labelled set),
with a margin for numerical differences between machines. Measured with the encoder the commands use (bfloat16 where
the processor has it).

Print the figures: `.venv/bin/python -m tests.survey.test_themes_quality`."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from index.embedding import DEFAULT_MODEL
from survey.themes.encoder import AnswerEncoder
from tests.survey.theme_quality import Part, measure

FIGURES = Path(__file__).with_name("theme_figures.json")
MARGIN = 0.05


@pytest.fixture(scope="module")
def answer_encoder() -> AnswerEncoder:
    return AnswerEncoder(DEFAULT_MODEL)


@pytest.mark.parametrize("part", ["held_out", "all"])
def test_themes_keep_their_recorded_quality(answer_encoder: AnswerEncoder, part: Part) -> None:
    recorded = json.loads(FIGURES.read_text(encoding="utf-8"))[part]
    quality = measure(answer_encoder, part)
    assert quality.answers == recorded["answers"]
    assert quality.adjusted_rand_index >= recorded["adjusted_rand_index"] - MARGIN, quality
    assert quality.label_accepted >= recorded["label_accepted"] - MARGIN, quality


if __name__ == "__main__":
    model = AnswerEncoder(DEFAULT_MODEL)
    parts: tuple[Part, ...] = ("development", "held_out", "all")
    for name in parts:
        print(name, json.dumps(asdict(measure(model, name))))
