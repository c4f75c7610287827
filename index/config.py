"""What the index and the answer pipeline need to know, handed in by whoever wires the application."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from index.embedding import DEFAULT_MODEL
from index.fusion import Fusion


@dataclass(frozen=True)
class AnswerPolicy:
    """How answers are put together. Whether to answer at all is the abstention model's (index/abstention.yaml)."""

    min_quote_score: float = 0.50  # a source's best sentence must score this to be quoted
    source_margin: float = 0.30  # and be within this of the best source's sentence
    compare_margin: float = 0.45  # wider when the question compares sources: every source on the topic is shown
    min_named_score: float = 0.40  # a source the question names is quoted from this score on,
    named_overlap: float = 0.5  # or when its passage holds this share of the question's topic words
    max_sources: int = 5
    max_quote_words: int = 70
    report_online_url: str | None = None
    # Pre-election period: candidates' manifestos are not quoted between these dates (inclusive); this is said instead.
    election_period: tuple[dt.date, dt.date] | None = None
    election_pointer: str = ""


@dataclass(frozen=True)
class IndexConfig:
    corpus_dir: Path
    index_dir: Path
    model_name: str = DEFAULT_MODEL
    hnsw_threshold: int = 20_000
    fusion: Fusion = Fusion.BLEND
    dense_weight: float = 0.6
    candidates: int = 50
    auto_build: bool = True
    policy: AnswerPolicy = field(default_factory=AnswerPolicy)
