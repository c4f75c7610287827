"""Themes kept on disk until the answers change: one file per question, replaced whole.

The file holds no answer text: a theme's examples are kept as answer ids and read back from the current answers, so an
erased answer's words do not outlive it here (its id is an opaque reference). A file whose key no longer matches the
answers is stale: it is never used, only reported as such until the themes are computed again."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ValidationError

from survey.themes.model import Comment, Themes, ThemeSettings


def cache_key(comments: Sequence[Comment], model: str, settings: ThemeSettings) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps([model, settings.model_dump(mode="json")], sort_keys=True).encode())
    for comment in sorted(comments, key=lambda c: c.id):
        digest.update(json.dumps([comment.id, comment.text]).encode())
    return digest.hexdigest()


class CachedThemes(BaseModel):
    """One question's cached themes, examples as answer ids only."""

    key: str
    computed_at: dt.datetime
    themes: Themes

    def fresh_for(self, comments: Sequence[Comment], settings: ThemeSettings) -> Themes | None:
        """The themes with their examples' text, if they were computed from exactly these answers; else None."""
        if cache_key(comments, self.themes.model, settings) != self.key:
            return None
        text_of = {comment.id: comment.text for comment in comments}
        return self.themes.model_copy(
            update={
                "themes": [
                    theme.model_copy(update={"examples": [text_of[i] for i in theme.example_ids if i in text_of]})
                    for theme in self.themes.themes
                ]
            }
        )


class ThemeCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def read(self, scope: str) -> CachedThemes | None:
        """Whatever is stored for the scope, fresh or stale; None when there is nothing readable."""
        try:
            return CachedThemes.model_validate_json(self._path(scope).read_bytes())
        except (OSError, ValueError, ValidationError):
            return None  # missing or damaged: as if never computed

    def load(self, scope: str, comments: Sequence[Comment], settings: ThemeSettings) -> Themes | None:
        cached = self.read(scope)
        return cached.fresh_for(comments, settings) if cached else None

    def save(self, scope: str, key: str, themes: Themes) -> None:
        textless = themes.model_copy(
            update={"themes": [theme.model_copy(update={"examples": []}) for theme in themes.themes]}
        )
        cached = CachedThemes(key=key, computed_at=dt.datetime.now(dt.UTC), themes=textless)
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(cached.model_dump_json())
        Path(temporary).replace(self._path(scope))  # readers see the old file or the new one, never half of one

    def forget(self, scope: str | None = None) -> None:
        """Remove one question's cached themes, or all of them."""
        paths = [self._path(scope)] if scope is not None else list(self.directory.glob("*.json"))
        for path in paths:
            path.unlink(missing_ok=True)

    def _path(self, scope: str) -> Path:
        safe = hashlib.sha256(scope.encode()).hexdigest()[:24]  # any survey or question id makes a valid file name
        return self.directory / f"{safe}.json"
