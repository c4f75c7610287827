"""Fusing the dense and lexical rankings into one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum

RRF_K = 60


class Fusion(StrEnum):
    RRF = "rrf"
    BLEND = "blend"


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> dict[int, float]:
    """Cormack et al. 2009: each list adds 1 / (k + rank) for the items it ranks."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


def weighted_blend(dense: Mapping[int, float], lexical: Mapping[int, float], dense_weight: float) -> dict[int, float]:
    """dense_weight x cosine + (1 - dense_weight) x BM25 scaled by this query's best BM25 score."""
    top = max(lexical.values(), default=0.0)
    items = set(dense) | set(lexical)
    return {
        item: dense_weight * dense.get(item, 0.0) + (1 - dense_weight) * (lexical.get(item, 0.0) / top if top else 0.0)
        for item in items
    }


def ranked(scores: Mapping[int, float]) -> list[tuple[int, float]]:
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))
