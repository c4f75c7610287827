"""The second emergency signal: closeness in meaning to labelled emergency messages (safety_exemplars.yaml).

Independent of the hand-written rules in triage.py, which fit the phrasings they were written from: the pipeline
routes to 999 when either fires. A message counts as an emergency when its nearest emergency exemplar is close enough
and not clearly further than its nearest ordinary one (messages about crime that need no 999).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from index.embedding import Embedder, Vectors

EXEMPLARS_FILE = Path(__file__).with_name("safety_exemplars.yaml")
# Set on our own exemplars and the safety set's dev split, biased towards safety (a false 999 costs less than a miss).
MIN_SIMILARITY = 0.40
MARGIN = 0.05  # and at least this much closer than the nearest ordinary message


@dataclass(frozen=True)
class Closeness:
    emergency: float  # cosine to the nearest emergency exemplar
    ordinary: float  # cosine to the nearest ordinary exemplar

    @property
    def is_emergency(self) -> bool:
        return self.emergency >= MIN_SIMILARITY and self.emergency >= self.ordinary + MARGIN


class EmergencySignal:
    def __init__(self, emergency: Vectors, ordinary: Vectors) -> None:
        self._emergency = emergency
        self._ordinary = ordinary

    @classmethod
    def load(cls, embedder: Embedder, path: Path = EXEMPLARS_FILE) -> EmergencySignal:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        emergency = [str(m) for m in raw.get("emergency") or []]
        ordinary = [str(m) for m in raw.get("ordinary") or []]
        return cls(embedder.encode(emergency), embedder.encode(ordinary))

    def closeness(self, vector: Vectors) -> Closeness:
        return Closeness(_nearest(self._emergency, vector), _nearest(self._ordinary, vector))


def _nearest(exemplars: Vectors, vector: Vectors) -> float:
    return float(np.max(exemplars @ vector)) if len(exemplars) else 0.0
