"""Themes of a question's answers as last computed, for whoever must not compute them: the dashboard (the web process
never loads the embedding model) and the commands when nothing changed. Fresh only while the answers, the hides and the
settings are exactly those the themes were computed from: a new answer, an erasure or a hide makes them stale."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from survey.comments import WrittenAnswer, theme_inputs
from survey.service import Survey
from survey.themes import ThemeCache, Themes


@dataclass(frozen=True)
class StoredThemes:
    themes: Themes | None  # fresh themes, ready to show; None when there are none or they are stale
    computed_at: dt.datetime | None  # when the stored themes were computed (set, with no themes: stale)

    @property
    def stale(self) -> bool:
        return self.themes is None and self.computed_at is not None


def theme_cache(survey: Survey) -> ThemeCache | None:
    return ThemeCache(survey.themes_dir) if survey.themes_dir is not None else None


def themes_scope(survey_id: str, question_id: str) -> str:
    return f"{survey_id}/{question_id}"


def stored_themes(
    answers: Sequence[WrittenAnswer],
    min_group_size: int,
    cache: ThemeCache | None,
    scope: str,
    model: str | None = None,
) -> StoredThemes:
    """The cached themes if they fit these answers (and model, when one is asked for)."""
    cached = cache.read(scope) if cache else None
    if cached is None:
        return StoredThemes(None, None)
    comments, settings = theme_inputs(answers, min_group_size)
    fresh = cached.fresh_for(comments, settings) if model in (None, cached.themes.model) else None
    themes = fresh.model_copy(update={"answered": len(answers)}) if fresh else None
    return StoredThemes(themes, cached.computed_at)
