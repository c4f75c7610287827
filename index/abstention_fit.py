"""Fitting the abstention model on the dev split and our own questions (training.yaml, with gold evidence, and
abstention_training.yaml, labelled only answer or abstain): `consult eval --split dev --calibrate` writes
index/abstention.yaml.

The regression is fitted on the questions the rules leave to the model (a question about an unknown name or an
unstated local detail is abstained on before the model is asked). The threshold is chosen on held-out predictions
(cross-validation, several shuffles) to make the worse of abstention precision and recall as good as possible, since
both must hold; the curve is smoothed first, so the choice sits on a plateau rather than on one lucky question.

The questions fitted on are also the exemplars of the `leaning` signal (index/question_exemplars.py). In each fold the
signal is read again against the fitting part's questions only, and every question's signal leaves out its own passage
group (rewordings of one gold passage; an out-of-scope question is a group of its own), so that no question, fitted on
or held out, meets itself or a paraphrase of its own passage among them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold

from index.abstention import AbstentionModel, Signals
from index.answer import AnswerPipeline
from index.evaluation import DEFAULT_TRAINING, LabelledQuestion
from index.question_exemplars import leaning, same_question

REGULARISATION = 1.0  # sklearn's C: six signals, about six hundred questions
FOLDS = 5
SHUFFLES = 5
THRESHOLDS = np.arange(0.2, 0.81, 0.01)
SMOOTHING = 5  # thresholds averaged on each side
LEANING = list(Signals.__dataclass_fields__).index("leaning")


@dataclass(frozen=True)
class FitRows:
    features: np.ndarray  # signals of the questions the model decides
    answerable: np.ndarray  # whether the documents answer each of them
    groups: np.ndarray  # each one's gold passage group (or its own id): a group stays in one fold
    ruled_right: int  # questions the rules abstained on that should be abstained on
    ruled_wrong: int  # and that the documents do answer
    texts: np.ndarray  # the questions the model decides
    vectors: np.ndarray  # and their vectors
    exemplars: Exemplars  # every question, ruled on or not: the exemplars of the leaning signal


@dataclass(frozen=True)
class Exemplars:
    """Labelled questions as the leaning signal reads them."""

    texts: np.ndarray
    vectors: np.ndarray
    answerable: np.ndarray
    groups: np.ndarray

    @property
    def keys(self) -> np.ndarray:
        return np.array([same_question(t) for t in self.texts], dtype=object)

    def only(self, kept: np.ndarray) -> Exemplars:
        return Exemplars(self.texts[kept], self.vectors[kept], self.answerable[kept], self.groups[kept])

    def plus(self, other: Exemplars) -> Exemplars:
        return Exemplars(
            np.r_[self.texts, other.texts],
            np.vstack([self.vectors, other.vectors]),
            np.r_[self.answerable, other.answerable],
            np.r_[self.groups, other.groups],
        )


@dataclass(frozen=True)
class Fit:
    model: AbstentionModel
    precision: float  # cross-validated abstention precision and recall at the chosen threshold
    recall: float
    answerable: list[str]  # the questions fitted on: the leaning signal's exemplars
    unanswerable: list[str]


def signal_rows(pipeline: AnswerPipeline, questions: list[LabelledQuestion]) -> FitRows:
    features: list[tuple[float, ...]] = []
    decided: list[int] = []
    vectors: list[np.ndarray] = []
    ruled = [0, 0]
    for i, question in enumerate(questions):
        parsed, hits = pipeline.retrieve(question.question)
        decision = pipeline.relevance(parsed, hits)
        if decision.reason == "model":
            features.append(decision.signals.features())
            vectors.append(np.asarray(parsed.vector))
            decided.append(i)
        else:
            ruled[question.expect == "answer"] += 1
    columns = len(Signals.__dataclass_fields__)
    texts = [q.question for q in questions]
    exemplars = Exemplars(  # read as the pipeline reads its exemplars
        texts=np.array(texts, dtype=object),
        vectors=pipeline.question_vectors(texts),
        answerable=np.array([q.expect == "answer" for q in questions], dtype=bool),
        groups=np.array([q.passage or q.id for q in questions], dtype=object),
    )
    return FitRows(
        np.array(features, dtype=float).reshape(-1, columns),
        exemplars.answerable[decided],
        exemplars.groups[decided],
        ruled[0],
        ruled[1],
        exemplars.texts[decided],
        np.array(vectors, dtype=np.float32).reshape(len(decided), exemplars.vectors.shape[1]),
        exemplars,
    )


def _with_leaning(rows: FitRows, which: np.ndarray | slice, exemplars: Exemplars) -> np.ndarray:
    """The features of some rows with the leaning signal read again against these exemplars only, each question's own
    passage group (and its own wording) left out."""
    features = rows.features[which].copy()
    keys = exemplars.keys
    for i, (vector, text, group) in enumerate(
        zip(rows.vectors[which], rows.texts[which], rows.groups[which], strict=True)
    ):
        others = (exemplars.groups != group) & (keys != same_question(text))
        features[i, LEANING] = leaning(vector, exemplars.vectors[others], exemplars.answerable[others])
    return features


def training_questions(path: Path = DEFAULT_TRAINING) -> list[LabelledQuestion]:
    """Our own questions labelled only answer or abstain (abstention_training.yaml): more to learn from than dev's."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        LabelledQuestion(id=f"training-{expect}-{n}", split="dev", expect=expect, question=str(text))
        for expect in ("answer", "abstain")
        for n, text in enumerate(raw.get(expect) or [])
    ]


def fit(pipeline: AnswerPipeline, questions: list[LabelledQuestion], training: list[LabelledQuestion]) -> Fit:
    """Fitted on the questions (dev and training.yaml) and the extra training questions (abstention_training.yaml);
    the threshold and the figures reported come from the questions held out of each fold (the extra ones are always
    in the fitting part)."""
    rows = signal_rows(pipeline, questions)
    extra = signal_rows(pipeline, training)
    regression = LogisticRegression(C=REGULARISATION, class_weight="balanced")
    precision = np.zeros(len(THRESHOLDS))
    recall = np.zeros(len(THRESHOLDS))
    for seed in range(SHUFFLES):
        folds = StratifiedGroupKFold(FOLDS, shuffle=True, random_state=seed)
        held_out = np.zeros(len(rows.answerable))
        for fitting, testing in folds.split(rows.features, rows.answerable, rows.groups):
            # No question of a held-out passage group among the exemplars.
            exemplars = rows.exemplars.only(~np.isin(rows.exemplars.groups, rows.groups[testing])).plus(extra.exemplars)
            regression.fit(
                np.vstack([_with_leaning(rows, fitting, exemplars), _with_leaning(extra, slice(None), exemplars)]),
                np.r_[rows.answerable[fitting], extra.answerable],
            )
            held_out[testing] = regression.predict_proba(_with_leaning(rows, testing, exemplars))[:, 1]
        for i, threshold in enumerate(THRESHOLDS):
            p, r = _abstention_figures(rows, held_out < threshold)
            precision[i] += p / SHUFFLES
            recall[i] += r / SHUFFLES
    worse = np.minimum(precision, recall)
    smoothed = np.convolve(np.pad(worse, SMOOTHING, mode="edge"), np.ones(2 * SMOOTHING + 1), mode="valid")
    best = int(np.argmax(smoothed))
    exemplars = rows.exemplars.plus(extra.exemplars)
    regression.fit(
        np.vstack([_with_leaning(rows, slice(None), exemplars), _with_leaning(extra, slice(None), exemplars)]),
        np.r_[rows.answerable, extra.answerable],
    )
    model = AbstentionModel(
        weights=tuple(float(w) for w in regression.coef_[0]),
        intercept=float(regression.intercept_[0]),
        threshold=float(THRESHOLDS[best]),
    )
    answerable = [str(t) for t in exemplars.texts[exemplars.answerable]]
    unanswerable = [str(t) for t in exemplars.texts[~exemplars.answerable]]
    return Fit(model, float(precision[best]), float(recall[best]), answerable, unanswerable)


def _abstention_figures(rows: FitRows, abstained: np.ndarray) -> tuple[float, float]:
    right = int((abstained & ~rows.answerable).sum()) + rows.ruled_right
    wrong = int((abstained & rows.answerable).sum()) + rows.ruled_wrong
    should = int((~rows.answerable).sum()) + rows.ruled_right
    return right / max(right + wrong, 1), right / max(should, 1)
