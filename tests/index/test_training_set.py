"""Our own questions to fit on (tests/eval/training.yaml) must teach nothing of the test split: their gold evidence
lies in paragraphs no test question's evidence touches, and none rewords a labelled question."""

from __future__ import annotations

import numpy as np
import yaml

from index.embedding import Embedder
from index.evaluation import DEFAULT_FITTING, GoldSpan, load_questions
from knowledge.corpus import default_corpus_dir, load_corpus
from tests.eval.build_questions import HERE, Span, build_questions, paragraph_keys

NEAR_DUPLICATE = 0.85  # cosine above which two questions are the same question reworded


def _paragraphs(texts: dict[str, str], gold: list[GoldSpan]) -> set[tuple[str, int, int]]:
    return {key for g in gold for key in paragraph_keys(texts[g.doc], Span(g.doc, g.start, g.end, g.quote))}


def test_training_questions_are_generated_verbatim_and_all_marked_train() -> None:
    texts = {d.id: d.text for d in load_corpus(default_corpus_dir())}
    training = load_questions(DEFAULT_FITTING)
    assert {q.split for q in training} == {"train"}
    assert {q.expect for q in training} == {"answer", "abstain"}
    for question in training:
        for gold in question.gold:
            assert texts[gold.doc][gold.start : gold.end] == gold.quote, question.id
    on_disk = yaml.safe_load((HERE / "training.yaml").read_text(encoding="utf-8"))
    assert build_questions(texts, "training_source.yaml", labelled=build_questions(texts)) == on_disk, (
        "run python -m tests.eval.build_questions"
    )


def test_no_training_evidence_shares_a_paragraph_with_test_evidence() -> None:
    texts = {d.id: d.text for d in load_corpus(default_corpus_dir())}
    held = set().union(*(_paragraphs(texts, q.gold) for q in load_questions(split="test")))
    shared = [q.question for q in load_questions(DEFAULT_FITTING) if _paragraphs(texts, q.gold) & held]
    assert shared == []


def test_no_training_question_rewords_a_labelled_question(embedder: Embedder) -> None:
    training = [q.question for q in load_questions(DEFAULT_FITTING)]
    labelled = [q.question for q in load_questions(split="all")]
    similarity = np.asarray(embedder.encode(training)) @ np.asarray(embedder.encode(labelled)).T
    pairs = [(training[i], labelled[j]) for i, j in zip(*np.nonzero(similarity >= NEAR_DUPLICATE), strict=True)]
    assert pairs == []
