"""Finding the themes of a question's answers, from the cache when the answers have not changed."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from survey.themes.cache import ThemeCache, cache_key
from survey.themes.clustering import Labels, cluster
from survey.themes.labels import label_of, theme_keywords
from survey.themes.model import OTHER, Comment, TextEncoder, Theme, Themes, ThemeSettings, Vectors
from survey.themes.stages import StageTimes


def find_themes(
    comments: Sequence[Comment],
    encoder: TextEncoder,
    settings: ThemeSettings | None = None,
    cache: ThemeCache | None = None,
    scope: str = "",
    show_progress: bool = False,
    times: StageTimes | None = None,
) -> Themes:
    """Themes of the answers; scope (e.g. "survey/question") names the cache entry; times, if given, gets the wall and
    CPU time of each stage."""
    settings = settings or ThemeSettings()
    times = times or StageTimes()
    cached = cache.load(scope, comments, settings) if cache else None
    if cached is not None and cached.model == encoder.name:
        return cached
    texts = [comment.text for comment in comments]
    with times.stage("encoding"):
        vectors = encode_unique(encoder, texts, show_progress)
    with times.stage("grouping"):
        labels = cluster(vectors, settings)
    with times.stage("labelling"):
        found = _themes(comments, vectors, labels, settings)
    themes = Themes(model=encoder.name, answered=len(comments), themes=found)
    if cache:
        cache.save(scope, cache_key(comments, encoder.name, settings), themes)
    return themes


def encode_unique(encoder: TextEncoder, texts: Sequence[str], show_progress: bool) -> Vectors:
    """Each distinct text encoded once ("no" is written by many), shortest first so batches carry little padding."""
    distinct = sorted(set(texts), key=len)
    with _progress(len(distinct), show_progress) as advance:
        vectors = encoder.encode(distinct, progress=advance)
    row = {text: index for index, text in enumerate(distinct)}
    return vectors[[row[text] for text in texts]] if texts else vectors


def _themes(comments: Sequence[Comment], vectors: Vectors, labels: Labels, settings: ThemeSettings) -> list[Theme]:
    texts = [comment.text for comment in comments]
    keywords = theme_keywords(texts, labels, settings.keywords) if len(comments) else {}
    groups = sorted({int(label) for label in labels if label >= 0}, key=lambda g: -int(np.sum(labels == g)))
    themes = [
        _theme(f"theme-{n}", group, comments, vectors, labels, keywords, settings) for n, group in enumerate(groups, 1)
    ]
    if np.any(labels < 0):
        other = _theme(OTHER, -1, comments, vectors, labels, keywords, settings)
        themes.append(other.model_copy(update={"label": "Other"}))
    return themes


def _theme(
    theme_id: str,
    group: int,
    comments: Sequence[Comment],
    vectors: Vectors,
    labels: Labels,
    keywords: dict[int, list[str]],
    settings: ThemeSettings,
) -> Theme:
    members = np.flatnonzero(labels == group)
    count = len(members)
    suppressed = count < settings.min_group_size
    examples = [] if suppressed else _examples(comments, vectors, members, settings.examples)
    return Theme(
        id=theme_id,
        label=label_of(keywords.get(group, [])),
        keywords=keywords.get(group, []),
        count=None if suppressed else count,
        share=None if suppressed else round(count / len(comments), 4),
        suppressed=suppressed,
        examples=[comments[i].text for i in examples],
        answer_ids=[comments[int(i)].id for i in members],
        example_ids=[comments[i].id for i in examples],
    )


def _examples(comments: Sequence[Comment], vectors: Vectors, members: np.ndarray, how_many: int) -> list[int]:
    """The answers closest to the theme's centre, one per distinct text."""
    centre = vectors[members].mean(axis=0)
    order = members[np.argsort(-(vectors[members] @ centre), kind="stable")]
    chosen: dict[str, int] = {}
    for index in order:
        if len(chosen) == how_many:
            break
        chosen.setdefault(comments[int(index)].text, int(index))
    return list(chosen.values())


@contextmanager
def _progress(total: int, show: bool) -> Iterator[Callable[[int], None] | None]:
    if not show:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:  # stdout may carry JSON or CSV
        task = progress.add_task("Reading answers", total=total)
        yield lambda done: progress.advance(task, done)
