"""Disclosure control for published breakdowns: small groups are hidden, and so is enough else that a hidden group
cannot be worked out from the total and the groups that are shown (secondary suppression)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from math import sqrt

from scipy.stats import norm


def suppressed_groups(counts: Mapping[str, int], threshold: int) -> set[str]:
    """Groups to hide: every group of 1 to threshold-1 respondents, then the smallest others until at least two are
    hidden and together they hold at least `threshold` respondents. Empty groups reveal nobody and stay shown."""
    hidden = {group for group, count in counts.items() if 0 < count < threshold}
    others = sorted((count, group) for group, count in counts.items() if count > 0 and group not in hidden)
    while hidden and (len(hidden) < 2 or sum(counts[g] for g in hidden) < threshold) and others:
        hidden.add(others.pop(0)[1])
    return hidden


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion; None when there are no trials.

    The closed form with scipy's normal quantile: scipy's `binomtest(...).proportion_ci` gives the same interval but
    first computes an exact two-sided p-value, 0.4-0.8 ms a call, which made a breakdown of 1,000,000 responses take
    seconds."""
    if trials == 0:
        return None
    z = _normal_quantile(0.5 + confidence / 2)
    share = successes / trials
    spread = z * sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials))
    centre, scale = share + z * z / (2 * trials), 1 + z * z / trials
    return max(0.0, (centre - spread) / scale), min(1.0, (centre + spread) / scale)


@cache
def _normal_quantile(probability: float) -> float:
    return float(norm.ppf(probability))
