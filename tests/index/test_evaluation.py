"""The quality gate on the held-out test split (thresholds set from the measured figures, with a little slack)."""

from __future__ import annotations

from index.answer import AnswerPipeline
from index.evaluation import evaluate_answers, evaluate_mode, load_questions
from index.retriever import Mode
from knowledge.corpus import default_corpus_dir, load_corpus


def test_the_question_set_is_well_formed() -> None:
    texts = {d.id: d.text for d in load_corpus(default_corpus_dir())}
    questions = load_questions()
    assert len({q.id for q in questions}) == len(questions)
    by_expect = {
        kind: [q for q in questions if q.expect == kind]
        for kind in ("answer", "abstain", "emergency", "crime_report", "refuse")
    }
    assert len(by_expect["answer"]) >= 60 and len(by_expect["abstain"]) >= 20
    assert {g.doc for q in by_expect["answer"] for g in q.gold} == set(texts)
    for question in by_expect["answer"]:
        assert question.gold
        for gold in question.gold:
            assert texts[gold.doc][gold.start : gold.end] == gold.quote
    assert {q.split for q in questions} == {"dev", "test"}


def test_hybrid_retrieval_on_the_test_split(pipeline: AnswerPipeline) -> None:
    report = evaluate_mode(pipeline, load_questions(split="test"), Mode.HYBRID)
    assert report.recall[5] >= 0.9
    assert report.mrr10 >= 0.8
    assert report.abstain_precision >= 0.8
    assert report.abstain_recall >= 0.85


def test_whole_answers_on_the_test_split(pipeline: AnswerPipeline) -> None:
    report = evaluate_answers(pipeline, load_questions(split="test"))
    for kind in ("emergency", "crime_report", "refuse"):
        assert report.correct.get(kind, 0) == report.expected[kind], kind
    assert report.correct["answer"] / report.expected["answer"] >= 0.9
    assert report.correct["abstain"] / report.expected["abstain"] >= 0.85
    assert report.source_recall >= 0.85
