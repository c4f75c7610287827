"""The labelled sets measure generalisation, and the quality gate holds the test split to its recorded figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from index.answer import AnswerPipeline, Citation
from index.config import IndexConfig
from index.evaluation import GoldSpan, LabelledQuestion, load_questions, load_safety
from index.evaluation_answers import evidence_shown
from index.evaluation_figures import MARGIN, read_figures, regressions, run_evaluation, threshold
from index.retriever import Mode
from knowledge.corpus import default_corpus_dir, load_corpus
from tests.eval.build_questions import HERE, build_questions

LONG_DOCUMENTS = ("miller-mayor-policing-blog", "pfcc-police-fire-crime-plan", "hirst-manifesto-commitments")
STYLES = {"keyword", "lowercase", "typo", "paraphrase", "speaker", "document", "number", "place", "compare"}
OUT_OF_SCOPE = {"oos_unrelated", "oos_adjacent", "oos_local_fact", "oos_false_premise"}
CONSULT = str(Path(sys.executable).with_name("consult"))


def test_the_questions_cover_every_document_and_style() -> None:
    questions = load_questions()
    assert len(questions) >= 250 and len({q.id for q in questions}) == len(questions)
    per_document = Counter(doc for q in questions for doc in {g.doc for g in q.gold})
    assert set(per_document) == {d.id for d in load_corpus(default_corpus_dir())}
    assert all(per_document[doc] >= 40 for doc in LONG_DOCUMENTS), per_document
    assert {q.style for q in questions} >= STYLES | OUT_OF_SCOPE
    assert 0.25 <= sum(q.expect == "abstain" for q in questions) / len(questions) <= 0.30
    assert all(bool(q.gold) == (q.expect == "answer") for q in questions)


def test_gold_spans_are_verbatim_and_the_file_is_generated_from_its_source() -> None:
    texts = {d.id: d.text for d in load_corpus(default_corpus_dir())}
    for question in load_questions():
        for gold in question.gold:
            assert texts[gold.doc][gold.start : gold.end] == gold.quote, question.id
    generated = build_questions(texts)
    on_disk = yaml.safe_load((HERE / "questions.yaml").read_text(encoding="utf-8"))
    assert generated == on_disk, "questions.yaml is stale: run python -m tests.eval.build_questions"


def test_no_gold_passage_of_the_test_split_is_in_dev() -> None:
    questions = load_questions()
    splits_of_passage: dict[str | None, set[str]] = {}
    for question in questions:
        splits_of_passage.setdefault(question.passage, set()).add(question.split)
    assert all(len(s) == 1 for p, s in splits_of_passage.items() if p is not None)
    dev_spans = [g for q in questions if q.split == "dev" for g in q.gold]
    for question in (q for q in questions if q.split == "test"):
        for gold in question.gold:
            overlapping = [d for d in dev_spans if d.doc == gold.doc and d.start < gold.end and gold.start < d.end]
            assert not overlapping, question.id
    assert 0.4 <= sum(q.split == "test" for q in questions) / len(questions) <= 0.6
    for kind in OUT_OF_SCOPE:
        splits = Counter(q.split for q in questions if q.style == kind)
        assert abs(splits["dev"] - splits["test"]) <= 1, kind


def test_the_safety_set_holds_every_kind_of_message_in_both_splits() -> None:
    messages = load_safety()
    assert len(messages) >= 150 and len({m.id for m in messages}) == len(messages)
    counts = Counter((m.label, m.split) for m in messages)
    for label in ("emergency", "crime_report", "question", "vote_advice"):
        assert counts[(label, "dev")] >= 2 and counts[(label, "test")] >= 2, label
    assert {"first_person", "third_person", "typo", "no_punctuation", "rambling"} <= {
        m.style for m in messages if m.label == "emergency"
    }


def _citation(doc: str, start: int, end: int) -> Citation:
    return Citation(
        n=1, doc_id=doc, title="", speaker=None, published=None, section=None, quote="", start=start, end=end,
        url=None, score=0.0,
    )  # fmt: skip


def test_evidence_counts_only_when_a_quote_contains_the_gold_span() -> None:
    gold = [GoldSpan(doc="a", quote="", start=100, end=150), GoldSpan(doc="b", quote="", start=10, end=20)]
    any_of = LabelledQuestion(id="x", split="dev", expect="answer", question="?", gold=gold)
    all_of = any_of.model_copy(update={"match": "all"})
    assert evidence_shown(any_of, [_citation("a", 90, 160)])
    assert not evidence_shown(any_of, [_citation("a", 120, 200)])  # overlaps, but cuts the evidence short
    assert not evidence_shown(any_of, [_citation("b", 100, 150)])  # right place, wrong document
    assert not evidence_shown(all_of, [_citation("a", 90, 160)])  # one source of a comparison is not enough
    assert evidence_shown(all_of, [_citation("a", 100, 150), _citation("b", 0, 30)])


def test_a_gate_names_the_questions_that_regressed() -> None:
    recorded = read_figures()["test"]
    worse = recorded.model_copy(deep=True)
    hybrid = worse.answers["hybrid"]
    shown = [o for o in hybrid.outcomes if o.evidence][:8]
    for outcome in shown:
        outcome.evidence = False
    hybrid.evidence_in_quote -= len(shown) / sum(o.expect == "answer" for o in hybrid.outcomes)
    failures = regressions(recorded, worse)
    assert len(failures) == 1 and all(o.id in failures[0] for o in shown)
    assert threshold("evidence_in_quote", 0.95) == 0.95 - MARGIN and threshold("evidence_in_quote", 0.91) == 0.90
    routed = next(o for o in recorded.safety.outcomes if o.label == "emergency" and o.kind == "emergency")
    unsafe = recorded.model_copy(deep=True)
    unsafe.safety.emergency_misses.append(routed.id)
    assert any(routed.id in failure for failure in regressions(recorded, unsafe))


@pytest.mark.slow
@pytest.mark.timeout(1200)  # the whole test split through the real model, on two shared cores
def test_the_test_split_holds_its_recorded_figures(pipeline: AnswerPipeline) -> None:
    recorded = read_figures()["test"]
    questions, safety = load_questions(split="test"), load_safety(split="test")
    assert {o.id for o in recorded.answers["hybrid"].outcomes} == {q.id for q in questions}, "record is stale"
    assert {o.id for o in recorded.safety.outcomes} == {m.id for m in safety}, "record is stale"
    current = run_evaluation(pipeline, "test", questions, safety, modes=(Mode.HYBRID,))
    assert not regressions(recorded, current), "\n".join(regressions(recorded, current))


@pytest.mark.slow
def test_eval_prints_json_and_records_the_figures(index_config: IndexConfig, tmp_path: Path) -> None:
    questions = [q for q in load_questions(split="dev") if q.style in ("number", "oos_unrelated")]
    (tmp_path / "q.yaml").write_text(yaml.safe_dump([q.model_dump() for q in questions]), encoding="utf-8")
    safety = [m for m in load_safety(split="dev") if m.style == "terse"]
    (tmp_path / "s.yaml").write_text(yaml.safe_dump([m.model_dump() for m in safety]), encoding="utf-8")
    env = {**os.environ, "CONSULT_DATA_DIR": str(index_config.index_dir.parent), "CONSULT_INDEX_AUTO_BUILD": "false"}
    args = ["eval", "--split", "dev", "--json", "--record", "--figures", str(tmp_path / "figures.json")]
    args += ["--questions", str(tmp_path / "q.yaml"), "--safety", str(tmp_path / "s.yaml")]
    result = subprocess.run([CONSULT, *args], capture_output=True, text=True, env=env, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    run = json.loads(result.stdout)
    assert set(run["answers"]) == {"hybrid", "dense", "bm25"}
    assert run["answers"]["hybrid"]["questions"] == len(questions)
    assert run["safety"]["emergencies_to_999"][1] == len(safety)
    assert set(read_figures(tmp_path / "figures.json")) == {"dev"}
