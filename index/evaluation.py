"""Measuring retrieval, abstention and routing against the labelled question set, and calibrating thresholds."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import yaml
from pydantic import BaseModel
from scipy.ndimage import uniform_filter

from index.answer import AnswerPipeline
from index.config import AnswerPolicy
from index.retriever import Hit, Mode

DEFAULT_QUESTIONS = Path(__file__).resolve().parents[1] / "tests" / "eval" / "questions.yaml"
RETRIEVAL_DEPTH = 10


class GoldSpan(BaseModel):
    doc: str
    quote: str
    start: int
    end: int


class Question(BaseModel):
    id: str
    split: str
    expect: str
    category: str = ""
    question: str
    gold: list[GoldSpan] = []


@dataclass(frozen=True)
class ModeReport:
    mode: Mode
    questions: int
    recall: dict[int, float]  # Recall@k for k in 1, 3, 5
    mrr10: float
    abstain_precision: float
    abstain_recall: float


@dataclass(frozen=True)
class AnswerReport:
    """Whole answers: which kind each question got, and how well the quotes match the labelled evidence."""

    expected: dict[str, int]  # questions per expected kind
    correct: dict[str, int]  # of those, answered with that kind
    misrouted: list[tuple[str, str, str]]  # (question id, expected, got)
    quote_hit: float  # answerable questions with a quote overlapping a gold span
    source_recall: float  # share of the gold documents that are cited (balance across sources)
    source_precision: float  # share of cited documents that are gold documents


def load_questions(path: Path = DEFAULT_QUESTIONS, split: str | None = None) -> list[Question]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    questions = [Question.model_validate(item) for item in raw]
    return [q for q in questions if split in (None, "all", q.split)]


def evaluate_mode(pipeline: AnswerPipeline, questions: list[Question], mode: Mode) -> ModeReport:
    ranks: list[int | None] = []
    abstained_expected = abstained_wrongly = missed_abstentions = 0
    for question in questions:
        if question.expect not in ("answer", "abstain"):
            continue
        vector = pipeline.retriever.encode(question.question)
        hits = pipeline.retriever.search(question.question, RETRIEVAL_DEPTH * 2, mode=mode, vector=vector)
        abstains = not pipeline.relevance(question.question, hits).answerable
        if question.expect == "answer":
            ranks.append(first_relevant_rank(pipeline, question, hits[:RETRIEVAL_DEPTH]))
            abstained_wrongly += abstains
        else:
            abstained_expected += abstains
            missed_abstentions += not abstains
    total_abstained = abstained_expected + abstained_wrongly
    should_abstain = abstained_expected + missed_abstentions
    return ModeReport(
        mode=mode,
        questions=len(ranks),
        recall={k: _share(sum(1 for r in ranks if r is not None and r <= k), len(ranks)) for k in (1, 3, 5)},
        mrr10=_share(sum(1 / r for r in ranks if r is not None), len(ranks)),
        abstain_precision=_share(abstained_expected, total_abstained),
        abstain_recall=_share(abstained_expected, should_abstain),
    )


def first_relevant_rank(pipeline: AnswerPipeline, question: Question, hits: list[Hit]) -> int | None:
    """Rank (1-based) of the first chunk overlapping a gold span."""
    for rank, hit in enumerate(hits, start=1):
        chunk = pipeline.retriever.data.chunks[hit.chunk_id]
        if any(g.doc == chunk.doc_id and g.start < chunk.end and chunk.start < g.end for g in question.gold):
            return rank
    return None


def evaluate_answers(pipeline: AnswerPipeline, questions: list[Question]) -> AnswerReport:
    expected: dict[str, int] = {}
    correct: dict[str, int] = {}
    misrouted: list[tuple[str, str, str]] = []
    hits: list[bool] = []
    recalls: list[float] = []
    precisions: list[float] = []
    for question in questions:
        answer = pipeline.answer(question.question)
        expected[question.expect] = expected.get(question.expect, 0) + 1
        if answer.kind == question.expect:
            correct[question.expect] = correct.get(question.expect, 0) + 1
        else:
            misrouted.append((question.id, question.expect, answer.kind))
        if question.expect != "answer":
            continue
        gold_docs = {g.doc for g in question.gold}
        cited = {c.doc_id for c in answer.citations}
        hits.append(
            any(
                g.doc == c.doc_id and g.start < c.end and c.start < g.end
                for g in question.gold
                for c in answer.citations
            )
        )
        recalls.append(len(gold_docs & cited) / len(gold_docs))
        if cited:
            precisions.append(len(gold_docs & cited) / len(cited))
    return AnswerReport(
        expected,
        correct,
        misrouted,
        _share(sum(hits), len(hits)),
        _share(sum(recalls), len(recalls)),
        _share(sum(precisions), len(precisions)),
    )


def calibrate(pipeline: AnswerPipeline, questions: list[Question]) -> tuple[AnswerPolicy, float]:
    """Abstention thresholds that best separate answerable from unanswerable questions (balanced accuracy).

    The accuracy surface is smoothed over neighbouring settings before picking the best, so the choice sits in the
    middle of a plateau rather than on a knife edge that happens to fit the dev questions.
    """
    rows = []
    for question in questions:
        if question.expect in ("answer", "abstain"):
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


def _share(part: float, whole: int) -> float:
    return part / whole if whole else 0.0
