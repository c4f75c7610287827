"""The labelled sets (questions with gold evidence, safety messages), retrieval figures, and calibrating thresholds."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np
import yaml
from pydantic import BaseModel
from scipy.ndimage import uniform_filter

from index.answer import AnswerPipeline
from index.config import AnswerPolicy
from index.retriever import Hit, Mode

EVAL_DIR = Path(__file__).resolve().parents[1] / "tests" / "eval"
DEFAULT_QUESTIONS = EVAL_DIR / "questions.yaml"
DEFAULT_SAFETY = EVAL_DIR / "safety.yaml"
RETRIEVAL_DEPTH = 10
RECALL_AT = (1, 3, 5)

Split = Literal["dev", "test"]


class GoldSpan(BaseModel):
    doc: str
    quote: str
    start: int
    end: int


class Question(BaseModel):
    id: str
    split: Split
    expect: Literal["answer", "abstain"]
    category: str = ""
    style: str = "natural"
    question: str
    match: Literal["any", "all"] = "any"  # any one gold span suffices, or every gold document's evidence is shown
    passage: str | None = None  # the gold passage group; a group lies wholly in one split
    gold: list[GoldSpan] = []


class SafetyMessage(BaseModel):
    id: str
    split: Split
    label: Literal["emergency", "crime_report", "question", "vote_advice"]
    style: str
    message: str


@dataclass(frozen=True)
class ModeReport:
    """Where the first chunk holding gold evidence ranks, for one retrieval mode."""

    mode: Mode
    questions: int
    recall: dict[int, float]  # Recall@k for k in RECALL_AT
    mrr10: float
    ranks: dict[str, int | None]  # question id -> rank of the first relevant chunk (None: not in the top 10)


def load_questions(path: Path = DEFAULT_QUESTIONS, split: str | None = None) -> list[Question]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    questions = [Question.model_validate(item) for item in raw]
    return [q for q in questions if split in (None, "all", q.split)]


def load_safety(path: Path = DEFAULT_SAFETY, split: str | None = None) -> list[SafetyMessage]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    messages = [SafetyMessage.model_validate(item) for item in raw]
    return [m for m in messages if split in (None, "all", m.split)]


def evaluate_mode(pipeline: AnswerPipeline, questions: list[Question], mode: Mode) -> ModeReport:
    ranks: dict[str, int | None] = {}
    for question in questions:
        if question.expect == "answer":
            hits = pipeline.retriever.search(question.question, RETRIEVAL_DEPTH, mode=mode)
            ranks[question.id] = first_relevant_rank(pipeline, question, hits)
    found = [r for r in ranks.values() if r is not None]
    return ModeReport(
        mode=mode,
        questions=len(ranks),
        recall={k: share(sum(1 for r in found if r <= k), len(ranks)) for k in RECALL_AT},
        mrr10=share(sum(1 / r for r in found), len(ranks)),
        ranks=ranks,
    )


def first_relevant_rank(pipeline: AnswerPipeline, question: Question, hits: list[Hit]) -> int | None:
    """Rank (1-based) of the first chunk overlapping a gold span."""
    for rank, hit in enumerate(hits, start=1):
        chunk = pipeline.retriever.data.chunks[hit.chunk_id]
        if any(g.doc == chunk.doc_id and g.start < chunk.end and chunk.start < g.end for g in question.gold):
            return rank
    return None


def calibrate(pipeline: AnswerPipeline, questions: list[Question]) -> tuple[AnswerPolicy, float]:
    """Abstention thresholds that best separate answerable from unanswerable questions (balanced accuracy).

    The accuracy surface is smoothed over neighbouring settings before picking the best, so the choice sits in the
    middle of a plateau rather than on a knife edge that happens to fit the dev questions.
    """
    rows = []
    for question in questions:
        hits = pipeline.retriever.search(question.question, RETRIEVAL_DEPTH * 2)
        relevance = pipeline.relevance(question.question, hits)
        rows.append((question.expect == "answer", relevance.score, relevance.coverage))
    ok, score, coverage = (np.array(column, dtype=float) for column in zip(*rows, strict=True))
    weights, thresholds, floors = np.arange(0, 3.01, 0.1), np.arange(0.2, 2.001, 0.01), np.arange(0, 0.601, 0.05)
    combined = weights[:, None, None, None] * score + coverage  # weight x 1 x 1 x question
    answered = (combined >= thresholds[None, :, None, None]) & (coverage >= floors[None, None, :, None])
    positives, negatives = ok.astype(bool), ~ok.astype(bool)
    accuracy = (answered[..., positives].mean(axis=-1) + (~answered[..., negatives]).mean(axis=-1)) / 2
    smoothed = uniform_filter(accuracy, size=5, mode="nearest")
    w, t, f = np.unravel_index(int(np.argmax(smoothed)), smoothed.shape)
    policy = replace(
        pipeline.policy,
        score_weight=round(float(weights[w]), 2),
        min_relevance=round(float(thresholds[t]), 2),
        min_coverage=round(float(floors[f]), 2),
    )
    return policy, float(accuracy[w, t, f])


def share(part: float, whole: int) -> float:
    return part / whole if whole else 0.0
