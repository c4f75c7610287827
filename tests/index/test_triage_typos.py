"""The safety rules read a hurried message as meant: misspelt danger words and texting shorthand are written out,
and ordinary English words are never "corrected" into danger words."""

from __future__ import annotations

import pytest

from index.spelling import SAFETY_CORRECTOR
from index.triage import Triage, triage


def test_misspelt_safety_words_and_shorthand_are_written_out() -> None:
    assert SAFETY_CORRECTOR.correct("Sum1 colapsed n isnt breething plz") == "someone collapsed n isnt breathing please"
    assert SAFETY_CORRECTOR.correct("hous on fier") == "house on fire"


@pytest.mark.parametrize("word", ["allowed", "beeping", "breaking", "free", "crashes", "stopped", "Hirst"])
def test_english_words_and_names_are_left_alone(word: str) -> None:
    assert SAFETY_CORRECTOR.correct(word) == word.lower()


@pytest.mark.parametrize(
    "message",
    ["sumone is drownin in the canal", "my dads unconcious and not breathin", "man chokeing in the cafe cant breth"],
)
def test_a_misspelt_emergency_is_still_one(message: str) -> None:
    assert triage(message) is Triage.EMERGENCY
