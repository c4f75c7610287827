"""Themes kept on disk until the answers change: one file per question, replaced whole, so an answer that is erased
leaves no copy behind once themes are recomputed or the cache is cleared."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from survey.themes.model import Comment, Themes, ThemeSettings


def cache_key(comments: Sequence[Comment], model: str, settings: ThemeSettings) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps([model, settings.model_dump(mode="json")], sort_keys=True).encode())
    for comment in sorted(comments, key=lambda c: c.id):
        digest.update(json.dumps([comment.id, comment.text]).encode())
    return digest.hexdigest()


class ThemeCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def load(self, scope: str, key: str) -> Themes | None:
        try:
            stored = json.loads(self._path(scope).read_text(encoding="utf-8"))
            return Themes.model_validate(stored["themes"]) if stored.get("key") == key else None
        except (OSError, ValueError, KeyError, TypeError, ValidationError):
            return None  # missing or unreadable: recompute

    def save(self, scope: str, key: str, themes: Themes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"key": key, "themes": themes.model_dump(mode="json")})
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(payload)
        Path(temporary).replace(self._path(scope))

    def forget(self, scope: str | None = None) -> None:
        """Remove one question's cached themes, or all of them."""
        paths = [self._path(scope)] if scope is not None else list(self.directory.glob("*.json"))
        for path in paths:
            path.unlink(missing_ok=True)

    def _path(self, scope: str) -> Path:
        safe = hashlib.sha256(scope.encode()).hexdigest()[:24]  # any survey or question id makes a valid file name
        return self.directory / f"{safe}.json"
