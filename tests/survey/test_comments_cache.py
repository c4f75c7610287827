"""What the dashboard reads without computing: cached themes are fresh only for exactly the answers they came from,
and the page's code never imports the embedding model."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from survey.comments import WrittenAnswer
from survey.comments_cache import stored_themes
from survey.service import Survey
from survey.themes import Theme, ThemeCache, Themes, ThemeSettings, cache_key
from survey.themes.model import Comment
from tests.survey.conftest import essex, submit

DAY = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def _answer(reference: str, text: str, hidden: bool = False) -> WrittenAnswer:
    return WrittenAnswer(reference, "web", DAY, text, hidden=hidden)


def test_cached_themes_are_fresh_only_for_the_same_answers(tmp_path: Path) -> None:
    answers = [_answer("r-1", "bins not emptied"), _answer("r-2", "bins overflowing"), _answer("r-3", "abuse", True)]
    cache = ThemeCache(tmp_path)
    assert stored_themes(answers, 1, cache, "s/q").computed_at is None  # never computed
    theme = Theme(id="theme-1", label="Bins", keywords=["bins"], count=2, share=1.0, suppressed=False, examples=[])
    theme = theme.model_copy(update={"answer_ids": ["r-1", "r-2"], "example_ids": ["r-1"]})
    visible = [Comment(id="r-1", text="bins not emptied"), Comment(id="r-2", text="bins overflowing")]
    key = cache_key(visible, "m", ThemeSettings(min_group_size=1))
    cache.save("s/q", key, Themes(model="m", answered=2, themes=[theme]))

    fresh = stored_themes(answers, 1, cache, "s/q")
    assert fresh.themes is not None and fresh.themes.answered == 3  # the hidden answer is counted, not themed
    assert fresh.themes.themes[0].examples == ["bins not emptied"] and not fresh.stale
    assert "bins not emptied" not in "".join(p.read_text() for p in tmp_path.iterdir())

    for changed in (
        [*answers, _answer("r-4", "more bins")],  # a new answer
        answers[1:],  # an erasure
        [answers[0], _answer("r-2", "bins overflowing", True), answers[2]],  # a hide
        [_answer("r-1", "bins never emptied"), *answers[1:]],  # an answer written again
    ):
        assert stored_themes(changed, 1, cache, "s/q").stale
    assert stored_themes(answers, 2, cache, "s/q").stale  # another disclosure threshold
    assert stored_themes(answers, 1, cache, "s/q", model="another").stale


def test_the_comments_page_never_imports_the_embedding_model() -> None:
    code = (
        "import sys, survey.dashboard.comments_routes\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_an_erasure_removes_every_cached_theme(survey: Survey, tmp_path: Path) -> None:
    """Labels and keywords were made from the erased words too: the cache goes with the answers."""
    survey.themes_dir = tmp_path / "themes"
    cache = ThemeCache(survey.themes_dir)
    cache.save("s/q", "key", Themes(model="m", answered=0, themes=[]))
    assert submit(survey, "web", "resident-1", essex(survey), "k-1")

    assert not survey.forget(survey.pseudonym_of_sender("web", "someone-else"))  # nothing to erase: the cache stays
    assert list(survey.themes_dir.glob("*.json"))
    assert survey.forget(survey.pseudonym_of_sender("web", "resident-1"))
    assert list(survey.themes_dir.glob("*.json")) == []
