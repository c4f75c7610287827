"""Theme keywords by class-based TF-IDF (as BERTopic computes it): words frequent in one theme and rare in the others,
English stop words left out, redaction markers ("[name removed]") ignored."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from survey.themes.clustering import Labels

MARKER = re.compile(r"\[[a-z ]+ removed\]")
# What is left of "don't", "isn't", "I've" once split at the apostrophe: no keyword either.
CONTRACTION_STEMS = frozenset(
    (
        "don",
        "didn",
        "doesn",
        "isn",
        "wasn",
        "aren",
        "weren",
        "won",
        "wouldn",
        "couldn",
        "shouldn",
        "haven",
        "hasn",
        "ve",
        "ll",
        "re",
        "im",
        "cant",
        "dont",
        "ain",
    )
)
MIN_REPEATS = 2  # a keyword is a word at least two answers of the theme share, when the theme has such words


def theme_keywords(texts: Sequence[str], labels: Labels, how_many: int) -> dict[int, list[str]]:
    """The best keywords of every group in labels (-1, "other", too: its words are worth showing)."""
    from sklearn.feature_extraction.text import CountVectorizer

    groups = sorted({int(label) for label in labels})
    documents = [" ".join(MARKER.sub(" ", texts[int(i)]) for i in np.flatnonzero(labels == group)) for group in groups]
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    stop_words = sorted(ENGLISH_STOP_WORDS | CONTRACTION_STEMS)
    vectoriser = CountVectorizer(stop_words=stop_words, ngram_range=(1, 2))
    try:
        counts = vectoriser.fit_transform(documents).toarray().astype(np.float64)
    except ValueError:  # nothing but stop words
        return {group: [] for group in groups}
    words = vectoriser.get_feature_names_out()
    frequency = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    average_words = counts.sum() / len(groups)
    weights = frequency * np.log(1 + average_words / np.maximum(counts.sum(axis=0), 1))
    return {group: _best(words, weights[row], counts[row], how_many) for row, group in enumerate(groups)}


def _best(words: Sequence[str], weights: np.ndarray, counts: np.ndarray, how_many: int) -> list[str]:
    chosen: list[str] = []
    least = MIN_REPEATS if counts.max(initial=0) >= MIN_REPEATS else 1
    for index in np.argsort(-weights, kind="stable"):
        word = str(words[index])
        if len(chosen) == how_many:
            break
        if counts[index] < least:
            continue
        # "speed cameras" makes "speed" and "cameras" redundant, and the other way round.
        if not any(
            set(word.split()) <= set(other.split()) or set(other.split()) <= set(word.split()) for other in chosen
        ):
            chosen.append(word)
    return chosen


def label_of(keywords: Sequence[str]) -> str:
    """A short readable label: the three best keywords."""
    if not keywords:
        return "(no common words)"
    label = ", ".join(keywords[:3])
    return label[:1].upper() + label[1:]
