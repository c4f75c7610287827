"""A question naming a source puts that source's words first; the others on the topic follow under a neutral heading.
A document added later (a Kent plan) is found by its own name in the same way: names come from the manifest."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from index.answer import AnswerPipeline, open_pipeline
from index.build import build_index
from index.config import IndexConfig
from index.embedding import Embedder
from index.loading import open_index
from index.passages import Passages
from index.question import Wanted
from index.replies import OTHER_SOURCES

KENT_PLAN = """## Tackling knife crime

The Kent Police and Crime Plan commits to cutting knife crime across the county by a quarter within four years.

- Weapons sweeps in parks and town centres every month.
- Knife arches at railway stations on weekend nights.

## Rural crime

Farm watch schemes will be extended to every rural parish so that theft of machinery is reported quickly.
"""


def test_a_named_candidate_comes_first_and_the_others_follow_alphabetically(pipeline: AnswerPipeline) -> None:
    answer = pipeline.answer("what has Roger Hirst said about getting more special constables")
    assert answer.kind == "answer"
    speakers = [c.speaker for c in answer.citations]
    named = [s for s in speakers if s == "Roger Hirst"]
    assert named and speakers[: len(named)] == named, speakers
    others = [c for c in answer.citations if c.speaker != "Roger Hirst"]
    assert others, "other sources on the topic are still shown"
    assert OTHER_SOURCES in answer.text
    assert answer.text.index("Roger Hirst") < answer.text.index(OTHER_SOURCES)
    names = [(c.speaker or "").casefold() for c in others]
    assert names == sorted(names)


def test_a_compare_question_shows_every_source_that_speaks_to_the_topic(pipeline: AnswerPipeline) -> None:
    answer = pipeline.answer("How do the candidates differ on special constables?")
    assert answer.kind == "answer"
    assert {"miller-mayor-policing-blog", "hirst-manifesto-commitments"} <= {c.doc_id for c in answer.citations}
    assert OTHER_SOURCES not in answer.text  # nobody was named: one alphabetical list


def test_a_document_added_later_is_named_by_its_place(
    corpus_copy: Path, tmp_path: Path, index_config: IndexConfig, embedder: Embedder
) -> None:
    config = _with_document(
        corpus_copy, tmp_path, index_config, "kent-police-crime-plan", "Kent Police and Crime Plan", KENT_PLAN
    )
    kent = open_pipeline(config, embedder)

    answer = kent.answer("what is being done about knife crime in kent")
    assert answer.kind == "answer"
    assert answer.citations[0].doc_id == "kent-police-crime-plan"
    assert len(answer.citations) > 1 and OTHER_SOURCES in answer.text
    # Without the place, the Kent plan is one source among the others, in alphabetical order.
    plain = kent.answer("what is being done about knife crime")
    names = [(c.speaker or "").casefold() for c in plain.citations]
    assert names == sorted(names) and OTHER_SOURCES not in plain.text


SECTIONS = """## Road safety

Speeding is down.

## Rural crime

Farm thefts will be tackled with a dedicated rural crime team covering every parish in the county.
"""


def test_a_quote_never_runs_on_across_a_heading(
    tmp_path: Path, corpus_copy: Path, index_config: IndexConfig, embedder: Embedder
) -> None:
    """A lone short paragraph may run on into the next one, but not into the next section's first paragraph."""
    config = _with_document(corpus_copy, tmp_path, index_config, "sections", "A Plan With Sections", SECTIONS)
    build_index(config, embedder)
    data = open_index(config, embedder)
    text = data.documents["sections"].text
    chunks = [i for i, chunk in enumerate(data.chunks) if chunk.doc_id == "sections"]
    quotable = [text[p.span.start : p.span.end] for i in chunks for p in Passages(data).of_chunk(i)]

    assert any(q.startswith("Farm thefts") for q in quotable), quotable
    assert not [q for q in quotable if "#" in q or ("Speeding" in q and "Farm" in q)], quotable


def _with_document(
    corpus_copy: Path, tmp_path: Path, index_config: IndexConfig, doc_id: str, title: str, text: str
) -> IndexConfig:
    """The corpus copy with one more plan in its manifest, and an index folder where only that plan needs embedding."""
    (corpus_copy / "docs" / f"{doc_id}.md").write_text(text, encoding="utf-8")
    manifest = yaml.safe_load((corpus_copy / "manifest.yaml").read_text(encoding="utf-8"))
    manifest["documents"].append(
        {
            "id": doc_id,
            "title": title,
            "kind": "plan",
            "speaker": "Alex Example",
            "speaker_role": "Police and Crime Commissioner",
            "file": f"docs/{doc_id}.md",
        }
    )
    (corpus_copy / "manifest.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
    index_dir = tmp_path / "index"
    shutil.copytree(index_config.index_dir / "cache", index_dir / "cache")  # only the new document is embedded
    return IndexConfig(corpus_dir=corpus_copy, index_dir=index_dir)


def test_a_document_named_by_its_title_comes_first(pipeline: AnswerPipeline) -> None:
    """A run of the plan's title words names the plan, whatever the punctuation the resident types."""
    for question in ("what does the fire and crime plan say about road safety", "Fire, and Crime Plan: road safety?"):
        answer = pipeline.answer(question)
        assert answer.kind == "answer", question
        assert answer.citations[0].doc_id == "pfcc-police-fire-crime-plan", question


def test_a_topic_phrase_of_a_title_names_no_document(pipeline: AnswerPipeline) -> None:
    """Title words other documents also use are a topic, not a name: asking about it favours no source."""
    assert pipeline.names.named_in("what is live facial recognition") == frozenset()
    assert pipeline.names.named_in("police fire and crime commissioners") == frozenset()
    # A headline's topic words name nothing: asking about the topic must not put one candidate first.
    assert pipeline.names.named_in("How will the candidates move officers to front line policing?") == frozenset()
    assert pipeline.names.named_in("arrests for offensive social media posts") == frozenset()


def test_the_kind_of_a_document_names_it_but_plans_in_general_do_not(pipeline: AnswerPipeline) -> None:
    assert pipeline.names.named_in("what does the plan say about young people") == {"pfcc-police-fire-crime-plan"}
    assert pipeline.names.named_in("what does the crime plan say") == {"pfcc-police-fire-crime-plan"}
    assert pipeline.names.named_in("what is the plan to stop knife crime") == frozenset()
    assert pipeline.names.named_in("compare the plans on knife crime") == frozenset()
    assert pipeline.names.named_in("What do the candidates plan for knife crime?") == frozenset()
    assert pipeline.names.named_in("what is the Confelicity party's plan on facial recognition") == frozenset()


def test_a_named_source_is_quoted_on_the_topic_asked_not_on_its_own_name(pipeline: AnswerPipeline) -> None:
    """The candidate's name is not a topic word, and a short word the documents never use ("specials") is read as
    what they spell out: his pledge on Special Constables comes first, not a passage that merely shares words."""
    answer = pipeline.answer("is roger hirst going to recruit more specials")
    assert answer.kind == "answer"
    assert answer.citations[0].speaker == "Roger Hirst"
    assert "Special Constabulary" in answer.citations[0].quote, answer.citations[0].quote


def test_the_words_naming_a_source_are_not_the_topic_asked_about(pipeline: AnswerPipeline) -> None:
    """A title's words say which source beside another topic, and are the topic only when nothing else is asked; an
    honorific before a name belongs to the name; "where do they stand" asks a position, not a place."""
    beside, _ = pipeline.retrieve("what does the police fire and crime plan say about speeding")
    assert beside.topic_terms == ("speed",)
    alone, _ = pipeline.retrieve("what is in the police fire and crime plan")
    assert "plan" in alone.topic_terms
    titled, _ = pipeline.retrieve("what did the judge say to PC Predator")
    assert titled.topic_terms == ("judg",)
    stand, _ = pipeline.retrieve("where do the candidates stand on drugs")
    assert stand.wants is Wanted.POSITION and stand.topic_terms == ("drug",)
