"""Fitting the ranking of a source's passages on the dev split and our own training questions (training.yaml):
`consult eval --split dev --calibrate` writes index/quote_ranking.yaml.

For each answerable question and each source holding its gold evidence, the passages looked at for that source
are compared in pairs, one holding the evidence and one not: a logistic regression on the differences of their
features (no intercept, each question weighing the same) learns how to weigh meaning, topic words and the kind of
answer asked for. Its accuracy is cross-validated by gold passage group (the share of questions whose top-ranked
passage of the gold source holds the evidence; a training question sharing a paragraph with a dev question is in its
group), next to the hand-set SCORE_WEIGHTS on the same folds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from index.answer import AnswerPipeline
from index.evaluation import LabelledQuestion
from index.quoting import RANKING_FILE, SCORE_WEIGHTS, PassageFeatures

REGULARISATION = 0.1  # sklearn's C: eight weights, a few thousand pairs from about a hundred questions
NEGATIVES = 60  # passages without the evidence paired with each one holding it
FOLDS = 5
_LENGTH = PassageFeatures._fields.index("length_cost")  # the last feature, not fitted (see _fit)


@dataclass(frozen=True)
class Candidates:
    """The passages of one gold source for one question: their features, and which hold the evidence."""

    group: str
    features: np.ndarray
    holds: np.ndarray


@dataclass(frozen=True)
class RankingFit:
    weights: PassageFeatures
    accuracy: float  # cross-validated: top-ranked passage of the gold source holds the evidence
    hand_accuracy: float  # SCORE_WEIGHTS on the same questions


def candidates(pipeline: AnswerPipeline, questions: list[LabelledQuestion]) -> list[Candidates]:
    found: list[Candidates] = []
    for question in questions:
        if question.expect != "answer":
            continue
        parsed, hits = pipeline.retrieve(question.question)
        chunks = pipeline.candidate_chunks(parsed, hits)
        for doc_id in sorted({g.doc for g in question.gold} & chunks.keys()):
            scored = pipeline.quotes.features(parsed, chunks[doc_id])
            holds = [
                any(g.doc == doc_id and p.span.start <= g.start and g.end <= p.span.end for g in question.gold)
                for p, _ in scored
            ]
            if any(holds) and not all(holds):
                group = question.passage or question.id
                found.append(Candidates(group, np.array([f for _, f in scored]), np.array(holds)))
    return found


def fit_ranking(pipeline: AnswerPipeline, questions: list[LabelledQuestion]) -> RankingFit:
    rows = candidates(pipeline, questions)
    groups = [c.group for c in rows]
    if len(set(groups)) < 2:
        raise ValueError("too few answerable questions with gold evidence to fit the ranking of passages")
    right = hand = 0
    for fitting, testing in GroupKFold(min(FOLDS, len(set(groups)))).split(rows, groups=groups):
        weights = _fit([rows[i] for i in fitting])
        right += sum(_top_holds(rows[i], weights) for i in testing)
        hand += sum(_top_holds(rows[i], np.array(SCORE_WEIGHTS)) for i in testing)
    weights = _fit(rows)
    cosines = float(weights[:3].sum())
    if cosines <= 0:  # closeness in meaning making a passage less likely to answer: a fit not to trust
        raise ValueError(f"the fitted ranking weighs meaning negatively ({cosines:.3f}); not written")
    weights /= cosines  # the three cosines' weights add up to 1, as in SCORE_WEIGHTS: easier to read
    return RankingFit(PassageFeatures(*(float(w) for w in weights)), right / len(rows), hand / len(rows))


def save_ranking(fitted: RankingFit, note: str) -> None:
    body = {"weights": {name: round(w, 4) for name, w in zip(PassageFeatures._fields, fitted.weights, strict=True)}}
    header = "".join(f"# {line}\n" for line in note.splitlines())
    RANKING_FILE.write_text(header + yaml.safe_dump(body, sort_keys=False), encoding="utf-8")


def _fit(rows: list[Candidates]) -> np.ndarray:
    """Every question weighs the same, however many passages its source has: a long chunk must not outvote the
    rest (each question's pairs share a weight of one; cross-validated, this beats weighting every pair alike).

    The length cost is not fitted: a short passage and the longer one around it both hold the evidence, so the pairs
    say nothing of it. It keeps its hand-set weight, on the scale where the cosines' weights add up to 1."""
    differences: list[np.ndarray] = []
    weights: list[float] = []
    for row in rows:
        pairs = [(good, bad) for good in row.features[row.holds] for bad in row.features[~row.holds][:NEGATIVES]]
        for good, bad in pairs:
            differences += [good - bad, bad - good]
            weights += [1 / len(pairs)] * 2
    labels = np.tile([1, 0], len(differences) // 2)
    sample_weight = np.array(weights) * len(weights) / sum(weights)
    regression = LogisticRegression(C=REGULARISATION, fit_intercept=False, max_iter=2000)
    fitted = regression.fit(np.array(differences)[:, :_LENGTH], labels, sample_weight=sample_weight)
    coefficients = np.asarray(fitted.coef_[0], dtype=float)
    return np.append(coefficients, SCORE_WEIGHTS.length_cost * float(coefficients[:3].sum()))


def _top_holds(row: Candidates, weights: np.ndarray) -> bool:
    return bool(row.holds[int(np.argmax(row.features @ weights))])
