"""What the survey package needs, handed in by whoever wires the application."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SurveyConfig:
    database_url: str
    pepper: bytes
    definition_path: Path
    session_secret: str
    session_hours: float = 8.0
    sign_in_limit: str = "5/15minutes"
    themes_dir: Path | None = None  # where computed themes of free-text answers are cached (None: not cached)
