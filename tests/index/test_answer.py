from __future__ import annotations

import pytest

from index.answer import Answer, AnswerPipeline
from index.replies import display_quote
from index.triage import Triage


def _check_citations(pipeline: AnswerPipeline, answer: Answer) -> None:
    documents = pipeline.retriever.data.documents
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for citation in answer.citations:
        text = documents[citation.doc_id].text
        assert text[citation.start : citation.end] == citation.quote
        # The reply puts only exact quotes in quotation marks (a list's blank lines closed up), each under its
        # numbered attribution.
        assert f"“{display_quote(citation.quote)}”" in answer.text
        assert f"[{citation.n}] " in answer.text


def test_a_question_gets_verbatim_quotes_with_numbered_attributed_citations(pipeline: AnswerPipeline) -> None:
    answer = pipeline.answer("How many knife crimes were recorded in Essex?")
    assert answer.kind == "answer"
    _check_citations(pipeline, answer)
    first = answer.citations[0]
    assert first.doc_id == "miller-mayor-policing-blog"
    assert "1,449 knife-enabled crime incidents" in first.quote
    assert first.speaker == "James Miller"
    assert first.section == "Knife Crime"
    assert "James Miller (candidate for Mayor of Essex)" in answer.text


def test_every_source_on_a_contested_topic_is_shown_in_a_fixed_neutral_order(pipeline: AnswerPipeline) -> None:
    answer = pipeline.answer("What do the candidates and the news say about facial recognition?")
    assert answer.kind == "answer"
    _check_citations(pipeline, answer)
    docs = [c.doc_id for c in answer.citations]
    assert {
        "miller-mayor-policing-blog",
        "pfcc-police-fire-crime-plan",
        "news-met-live-facial-recognition-unlawful",
    } <= set(docs)
    speakers = [c.speaker or "" for c in answer.citations]
    assert speakers == sorted(speakers, key=str.casefold)
    # Never a judgement between them.
    for word in ("better", "best", "recommend you", "should vote"):
        assert word not in answer.text.split("\n\n")[-1].replace("recommend any", "")


def test_special_constables_covers_both_office_holder_and_candidate(pipeline: AnswerPipeline) -> None:
    answer = pipeline.answer("what are the plans for Special Constables?")
    assert {"miller-mayor-policing-blog", "hirst-manifesto-commitments"} <= {c.doc_id for c in answer.citations}


@pytest.mark.parametrize("message", ["Who should I vote for?", "Is James Miller better than Roger Hirst?"])
def test_voting_advice_is_refused_politely_without_quotes(pipeline: AnswerPipeline, message: str) -> None:
    answer = pipeline.answer(message)
    assert answer.kind == "refuse"
    assert answer.citations == []
    assert "neutral" in answer.text


@pytest.mark.parametrize(
    "message",
    [
        "What's the weather in Colchester tomorrow?",
        "How do I apply for a firearms licence?",
        "What does Sarah Patel promise on policing?",
    ],
)
def test_nothing_relevant_means_a_plain_abstention_with_suggestions(pipeline: AnswerPipeline, message: str) -> None:
    answer = pipeline.answer(message)
    assert answer.kind == "abstain"
    assert answer.citations == []
    assert "couldn't find" in answer.text
    assert "facial recognition" in answer.text  # a topic it can answer, from the corpus manifest


def test_an_emergency_gets_999_at_once_and_no_retrieval(pipeline: AnswerPipeline) -> None:
    answer = pipeline.answer("someone is breaking into my house right now")
    assert answer.kind == "emergency"
    assert answer.text.startswith("If you or someone else is in danger right now, call 999")
    assert answer.citations == []


def test_a_crime_report_gets_101_advice(pipeline: AnswerPipeline) -> None:
    answer = pipeline.answer("my car was broken into last night")
    assert answer.kind == "crime_report"
    assert "101" in answer.text and "999" in answer.text


@pytest.mark.parametrize(
    "message", ["", "   ", "???", "\x00\x01", "🙂" * 500, "a" * 100_000, "<script>alert(1)</script>"]
)
def test_odd_input_never_crashes(pipeline: AnswerPipeline, message: str) -> None:
    answer = pipeline.answer(message)
    assert answer.kind in ("answer", "abstain")
    assert answer.text


def test_in_the_pre_election_period_manifestos_get_a_neutral_pointer_instead_of_quotes(
    pipeline: AnswerPipeline,
) -> None:
    import datetime as dt
    from dataclasses import replace

    today = dt.date.today()
    pointer = "During the pre-election period I don't quote candidates' manifestos."
    election = AnswerPipeline(
        pipeline.retriever,
        replace(pipeline.policy, election_period=(today, today), election_pointer=pointer),
        pipeline.topics,
    )
    mixed = election.answer("What do the candidates and the news say about facial recognition?")
    assert mixed.kind == "answer"
    kinds = {pipeline.retriever.data.documents[c.doc_id].meta.kind for c in mixed.citations}
    assert "manifesto" not in kinds and mixed.citations
    assert mixed.text.endswith(pointer)
    only_candidate = election.answer(
        "What is James Miller's view on Special Constables and the Employee Supported Scheme?"
    )
    # A question naming a candidate gets none of the candidate's words: other sources on the topic, or the pointer.
    assert all(pipeline.retriever.data.documents[c.doc_id].meta.kind != "manifesto" for c in only_candidate.citations)
    assert only_candidate.text.endswith(pointer)
    only_manifestos = election.answer("What does Roger Hirst's manifesto list under Campaign Feedback from the Public?")
    assert only_manifestos.kind in ("refuse", "answer") and only_manifestos.text.endswith(pointer)
    # Outside the period the same question is quoted as usual.
    assert pipeline.answer(
        "What is James Miller's view on Special Constables and the Employee Supported Scheme?"
    ).citations


@pytest.mark.parametrize(
    "message",
    [
        "How many knife crimes were recorded in Essex?",
        "Which candidate should I vote for?",
        "someone is climbing in through my window right now",
        "I'd like to report that my bike was stolen last week",
    ],
)
def test_a_message_the_caller_has_triaged_gets_the_same_answer(pipeline: AnswerPipeline, message: str) -> None:
    """The action server triages every message first and hands the result on: the message is triaged once, and the
    answer is the one `consult ask` gives."""
    assert pipeline.answer(message, pipeline.triage(message)) == pipeline.answer(message)


def test_the_callers_triage_is_the_one_used(pipeline: AnswerPipeline) -> None:
    assert pipeline.answer("How many knife crimes were recorded in Essex?", Triage.VOTE_ADVICE).kind == "refuse"
