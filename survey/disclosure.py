"""Disclosure control for published breakdowns: small groups are hidden, and so is enough else that a hidden group
cannot be worked out from the total and the groups that are shown (secondary suppression)."""

from __future__ import annotations

from collections.abc import Mapping

from scipy.stats import binomtest


def suppressed_groups(counts: Mapping[str, int], threshold: int) -> set[str]:
    """Groups to hide: every group of 1 to threshold-1 respondents, then the smallest others until at least two are
    hidden and together they hold at least `threshold` respondents. Empty groups reveal nobody and stay shown."""
    hidden = {group for group, count in counts.items() if 0 < count < threshold}
    others = sorted((count, group) for group, count in counts.items() if count > 0 and group not in hidden)
    while hidden and (len(hidden) < 2 or sum(counts[g] for g in hidden) < threshold) and others:
        hidden.add(others.pop(0)[1])
    return hidden


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion; None when there are no trials."""
    if trials == 0:
        return None
    interval = binomtest(successes, trials).proportion_ci(confidence_level=confidence, method="wilson")
    return float(interval.low), float(interval.high)
