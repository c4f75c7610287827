"""The second emergency signal: closeness in meaning to labelled example messages (safety_exemplars.yaml).

Independent of the hand-written rules in triage.py, which fit the phrasings they were written from: the pipeline
routes to 999 when either fires, except that a message the rules read as a crime already done (101) needs a surer
classifier (Closeness.outweighs_report). Two readings of the same exemplars, either of which is enough:
- the nearest exemplar: close enough to an emergency one, not clearly closer to an ordinary one, and the classifier
  below not clearly against it;
- a logistic regression fitted on the exemplars' vectors (never on the labelled safety set), which learns the
  direction "someone is in danger now" rather than one phrasing, so it reaches emergencies worded unlike any exemplar.
  It only counts for messages that are at least loosely like some emergency, since it has never seen the small talk
  and trivia that sit far from both kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml

from index.embedding import Embedder, Vectors

EXEMPLARS_FILE = Path(__file__).with_name("safety_exemplars.yaml")
# Set on our own exemplars and messages and the safety set's dev split, biased towards safety (a false 999 costs less
# than a miss).
MIN_SIMILARITY = 0.40
MARGIN = 0.05  # and at least this much closer than the nearest ordinary message
MIN_PROBABILITY = 0.5  # the classifier's threshold...
# ...for a message this close to some emergency exemplar. Kept loose, since this reading is what reaches emergencies
# worded unlike any exemplar: 0.40 lost a boat sinking off a pier and a horse loose on a main road (about 0.37) to save
# one false 999 ("ask for angela and the night bus", 0.36). It need not be nearer to an emergency exemplar than to an
# ordinary one: a flat full of smoke sits nearest to a question about smoke alarms.
MIN_SIMILARITY_FOR_CLASSIFIER = 0.35
# The nearest exemplar counts only where the classifier is not clearly against it, or the message says it is happening
# now: a short search ("crime on trains") or a question about the law can sit near an emergency exemplar by its words.
MIN_PROBABILITY_BESIDE_NEAREST = 0.25
# A message the rules read as a crime already done needs the classifier to be surer (see Closeness.outweighs_report).
MIN_PROBABILITY_OVER_REPORT = 0.7
# A sure classifier needs the message only faintly like an emergency exemplar: "a man is walking into the lake fully
# clothed" is like none of them in words. No ordinary message of ours that far from every exemplar scores above 0.7.
SURE_PROBABILITY = 0.85
MIN_SIMILARITY_WHEN_SURE = 0.25
SAME_AS_ORDINARY = 0.85  # cosine from which a message is an ordinary exemplar reworded (as the labelled sets' checks)
REGULARISATION = 4.0  # scikit-learn's C: fairly loose, the exemplars are few and written to be clean


@dataclass(frozen=True)
class Closeness:
    emergency: float  # cosine to the nearest emergency exemplar
    ordinary: float  # cosine to the nearest ordinary exemplar
    probability: float  # the classifier's probability that the message is an emergency
    happening_now: bool = False  # the message says it is happening now: the nearest exemplar is then enough

    @property
    def nearest(self) -> bool:
        return (
            self.emergency >= MIN_SIMILARITY
            and self.emergency >= self.ordinary + MARGIN
            and (self.happening_now or self.probability >= MIN_PROBABILITY_BESIDE_NEAREST)
        )

    @property
    def classified(self) -> bool:
        sure = self.probability >= SURE_PROBABILITY and self.emergency >= MIN_SIMILARITY_WHEN_SURE
        loosely_like = self.probability >= MIN_PROBABILITY and self.emergency >= MIN_SIMILARITY_FOR_CLASSIFIER
        return sure or loosely_like

    @property
    def is_emergency(self) -> bool:
        return (self.nearest or self.classified) and not self.repeats_ordinary

    @property
    def repeats_ordinary(self) -> bool:
        """All but the words of an ordinary exemplar, and nearer to it than to any emergency: whatever the classifier
        reads in it, an exemplar says what it is ("stabbings up or down")."""
        return self.ordinary >= SAME_AS_ORDINARY and self.ordinary > self.emergency and not self.happening_now

    @property
    def outweighs_report(self) -> bool:
        """An emergency despite reading as a crime already done ("someone broke into my shed while we were away"): the
        classifier then needs to be surer, and the nearest emergency exemplar at least as close as the nearest ordinary
        one."""
        return self.nearest or (
            self.classified and self.probability >= MIN_PROBABILITY_OVER_REPORT and self.emergency >= self.ordinary
        )


@dataclass(frozen=True)
class _LinearModel:
    weights: npt.NDArray[np.float64]
    bias: float

    def probability(self, vector: Vectors) -> float:
        return float(1.0 / (1.0 + np.exp(-(float(vector @ self.weights) + self.bias))))


class EmergencySignal:
    def __init__(self, emergency: Vectors, ordinary: Vectors) -> None:
        self._emergency = emergency
        self._ordinary = ordinary
        self._model = _fit(emergency, ordinary)

    @classmethod
    def load(cls, embedder: Embedder, path: Path = EXEMPLARS_FILE) -> EmergencySignal:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        emergency = [str(m) for m in raw.get("emergency") or []]
        ordinary = [str(m) for m in raw.get("ordinary") or []]
        return cls(embedder.encode(emergency), embedder.encode(ordinary))

    def closeness(self, vector: Vectors, happening_now: bool = False) -> Closeness:
        probability = self._model.probability(vector) if self._model else 0.0
        emergency, ordinary = _nearest(self._emergency, vector), _nearest(self._ordinary, vector)
        return Closeness(emergency, ordinary, probability, happening_now)


def _nearest(exemplars: Vectors, vector: Vectors) -> float:
    return float(np.max(exemplars @ vector)) if len(exemplars) else 0.0


def _fit(emergency: Vectors, ordinary: Vectors) -> _LinearModel | None:
    """Deterministic (lbfgs), a few milliseconds for a few hundred exemplars; None without both kinds."""
    if not len(emergency) or not len(ordinary):
        return None
    from sklearn.linear_model import LogisticRegression  # only when the pipeline opens

    vectors = np.vstack([emergency, ordinary])
    labels = np.r_[np.ones(len(emergency)), np.zeros(len(ordinary))]
    model = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=2000).fit(vectors, labels)
    return _LinearModel(np.asarray(model.coef_[0], dtype=np.float64), float(model.intercept_[0]))
