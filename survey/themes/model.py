"""What themes are made of: the answers going in, the settings, and the themes coming out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

OTHER = "other"

Vectors = npt.NDArray[np.float32]


class TextEncoder(Protocol):
    """index.embedding.Embedder, or anything else giving L2-normalised vectors."""

    name: str

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> Vectors: ...


class Comment(BaseModel):
    """One resident's (already redacted) answer to a text question."""

    model_config = ConfigDict(frozen=True)

    id: str
    text: str


class ThemeSettings(BaseModel):
    """How themes are found; part of the cache key, so changing one recomputes."""

    model_config = ConfigDict(frozen=True)

    # The number of themes is chosen by silhouette between these two. Two is left out by default: a split in two is
    # nearly always "short answers against the rest" (it won on a development sample of tests/survey/comments_labelled).
    min_themes: int = Field(default=3, ge=2)
    max_themes: int = Field(default=15, ge=2)
    # An answer less similar than this to its theme's centre goes to "other" (cosine; chosen on the development third
    # of tests/survey/comments_labelled.yaml).
    other_similarity: float = Field(default=0.4, ge=-1, le=1)
    min_theme_size: int = Field(default=3, ge=1)  # smaller themes go to "other"
    min_group_size: int = Field(default=1, ge=1)  # the survey's disclosure threshold: smaller groups show no examples
    examples: int = Field(default=3, ge=0)
    keywords: int = Field(default=5, ge=1)
    sample_for_k: int = Field(default=2000, ge=100)  # answers used to choose the number of themes
    seed: int = 0


class Theme(BaseModel):
    id: str
    label: str
    keywords: list[str]
    count: int | None
    share: float | None
    suppressed: bool
    examples: list[str]
    answer_ids: list[str] = Field(default_factory=list)  # kept in the cache; exports choose their own fields
    example_ids: list[str] = Field(default_factory=list)  # the examples' answers: the cache keeps these, not the text


class Themes(BaseModel):
    """Themes of one question's answers; every answer is in exactly one theme (possibly "other")."""

    model: str
    answered: int
    themes: list[Theme]

    def theme_of(self) -> dict[str, str]:
        """Answer id -> theme id."""
        return {answer: theme.id for theme in self.themes for answer in theme.answer_ids}
