"""Themes of free-text answers with the real embedding model: every answer placed once, small groups hidden, the cache
reused until the answers change, holding no answer text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from index.embedding import Embedder
from survey.themes import OTHER, Comment, ThemeCache, ThemeSettings, Vectors, find_themes

SPEEDING = [
    "cars speed down our road every night",
    "speeding drivers near the school are dangerous",
    "we need speed cameras on the main road",
    "drivers go 50 in a 30 limit on our street",
    "boy racers speeding through the village",
    "speeding traffic on the high street is terrible",
]
BINS = [
    "the bins have not been collected for weeks",
    "rubbish bins overflowing and the council never empties them",
    "bin collections keep being missed on our road",
    "our recycling bins were not emptied again",
    "missed bin collection three weeks running",
    "the council should empty the bins every week",
]
NOTHING = ["nothing else to add", "no thank you", "nothing more, thanks", "no comments", "nothing to add thanks", "no"]


class CountingEncoder:
    """The real model, counting the texts it is asked to encode."""

    def __init__(self, model: Embedder) -> None:
        self.model = model
        self.name = model.name
        self.encoded = 0

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> Vectors:
        self.encoded += len(texts)
        return self.model.encode(texts, progress)


def _comments(*groups: list[str]) -> list[Comment]:
    texts = [text for group in groups for text in group]
    return [Comment(id=f"r{number}", text=text) for number, text in enumerate(texts)]


def test_every_answer_is_in_one_theme_and_topics_stay_together(embedder: Embedder) -> None:
    comments = _comments(SPEEDING, BINS, NOTHING)
    themes = find_themes(comments, embedder)
    placed = [answer for theme in themes.themes for answer in theme.answer_ids]
    assert sorted(placed) == sorted(c.id for c in comments)
    assert themes.answered == len(comments) == sum(theme.count or 0 for theme in themes.themes)
    theme_of = themes.theme_of()
    for group in (SPEEDING, BINS):
        ids = {c.id for c in comments if c.text in group}
        assert len({theme_of[i] for i in ids}) == 1, themes
    speeding = next(t for t in themes.themes if t.id == theme_of["r0"])
    assert speeding.id != OTHER and any("speed" in word for word in speeding.keywords)
    assert set(speeding.examples) <= set(SPEEDING) and len(speeding.examples) == 3
    assert abs(sum(t.share or 0 for t in themes.themes) - 1) < 0.01


def test_small_groups_show_no_examples(embedder: Embedder) -> None:
    comments = _comments(SPEEDING, BINS, ["my cat likes the sunshine"])
    themes = find_themes(comments, embedder, ThemeSettings(min_group_size=7))
    assert all(theme.id == OTHER for theme in themes.themes)  # no theme reaches 7 answers: all folded into "other"
    themes = find_themes(comments[:5], embedder, ThemeSettings(min_group_size=10))
    (other,) = themes.themes
    assert other.suppressed and other.count is None and other.share is None and other.examples == []


@pytest.mark.parametrize("count", [0, 1, 2])
def test_too_few_answers_give_other_only(embedder: Embedder, count: int) -> None:
    themes = find_themes(_comments(SPEEDING[:count]), embedder)
    assert themes.answered == count
    assert [theme.id for theme in themes.themes] == ([OTHER] if count else [])


def test_cache_is_reused_until_answers_change_and_keeps_no_erased_text(embedder: Embedder, tmp_path: Path) -> None:
    encoder, cache = CountingEncoder(embedder), ThemeCache(tmp_path / "themes")
    comments = _comments(SPEEDING, BINS, NOTHING)
    first = find_themes(comments, encoder, cache=cache, scope="survey/comment")
    encoded = encoder.encoded
    assert find_themes(comments, encoder, cache=cache, scope="survey/comment") == first
    assert encoder.encoded == encoded  # from the cache: nothing encoded again

    erased = comments[0]
    remaining = [c for c in comments if c.id != erased.id]
    second = find_themes(remaining, encoder, cache=cache, scope="survey/comment")
    assert encoder.encoded > encoded and second.answered == len(remaining)
    stored = "".join(path.read_text() for path in (tmp_path / "themes").iterdir())
    assert not any(comment.text in stored for comment in comments)  # examples are kept as answer ids, never text
    assert second.themes[0].examples and set(second.themes[0].examples) <= {c.text for c in remaining}

    cache.forget("survey/comment")
    assert list((tmp_path / "themes").iterdir()) == []


def test_a_change_of_settings_or_text_recomputes(embedder: Embedder, tmp_path: Path) -> None:
    encoder, cache = CountingEncoder(embedder), ThemeCache(tmp_path)
    comments = _comments(SPEEDING, BINS)
    find_themes(comments, encoder, cache=cache, scope="q")
    before = encoder.encoded
    find_themes(comments, encoder, ThemeSettings(examples=1), cache=cache, scope="q")
    edited = [comments[0].model_copy(update={"text": "speeding cars on my road at night"}), *comments[1:]]
    find_themes(edited, encoder, ThemeSettings(examples=1), cache=cache, scope="q")
    assert encoder.encoded == 3 * before


def test_damaged_cache_is_recomputed(embedder: Embedder, tmp_path: Path) -> None:
    cache = ThemeCache(tmp_path)
    comments = _comments(SPEEDING, BINS)
    expected = find_themes(comments, embedder, cache=cache, scope="q")
    for path in tmp_path.iterdir():
        path.write_text("{not json")
    assert find_themes(comments, embedder, cache=cache, scope="q") == expected
