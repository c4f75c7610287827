"""The labelled sets (questions with gold evidence, safety messages) and retrieval figures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel

from index.answer import AnswerPipeline
from index.retriever import Hit, Mode

EVAL_DIR = Path(__file__).resolve().parents[1] / "tests" / "eval"
DEFAULT_QUESTIONS = EVAL_DIR / "questions.yaml"
DEFAULT_SAFETY = EVAL_DIR / "safety.yaml"
DEFAULT_TRAINING = EVAL_DIR / "abstention_training.yaml"  # our own questions for the abstention model
DEFAULT_FITTING = EVAL_DIR / "training.yaml"  # our own questions with gold evidence, to fit on beside dev
RETRIEVAL_DEPTH = 10
RECALL_AT = (1, 3, 5)

Split = Literal["dev", "test", "train"]  # train: our own questions to fit on, never evaluated


class GoldSpan(BaseModel):
    doc: str
    quote: str
    start: int
    end: int


class LabelledQuestion(BaseModel):
    """An evaluation question with its labels: the answer expected and the gold evidence (tests/eval/)."""

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


def load_questions(path: Path = DEFAULT_QUESTIONS, split: str | None = None) -> list[LabelledQuestion]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    questions = [LabelledQuestion.model_validate(item) for item in raw]
    return [q for q in questions if split in (None, "all", q.split)]


def load_safety(path: Path = DEFAULT_SAFETY, split: str | None = None) -> list[SafetyMessage]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    messages = [SafetyMessage.model_validate(item) for item in raw]
    return [m for m in messages if split in (None, "all", m.split)]


def evaluate_mode(pipeline: AnswerPipeline, questions: list[LabelledQuestion], mode: Mode) -> ModeReport:
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


def first_relevant_rank(pipeline: AnswerPipeline, question: LabelledQuestion, hits: list[Hit]) -> int | None:
    """Rank (1-based) of the first chunk overlapping a gold span."""
    for rank, hit in enumerate(hits, start=1):
        chunk = pipeline.retriever.data.chunks[hit.chunk_id]
        if any(g.doc == chunk.doc_id and g.start < chunk.end and chunk.start < g.end for g in question.gold):
            return rank
    return None


def share(part: float, whole: int) -> float:
    return part / whole if whole else 0.0
