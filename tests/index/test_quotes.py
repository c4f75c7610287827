"""The quote is the evidence: the passage that answers the question, verbatim and short, never a rhetorical question,
a dangling lead-in or a fragment. Questions here are our own, not in the labelled set."""

from __future__ import annotations

from itertools import pairwise

import pytest

from index.answer import Answer, AnswerPipeline
from index.chunking import Span
from index.passages import Passage
from index.quoting import Quote, _run_on

MILLER = "miller-mayor-policing-blog"
HIRST = "hirst-manifesto-commitments"
PLEDGE = "doubling the Special Constabulary"


def _quotes_of(answer: Answer, doc_id: str) -> list[str]:
    return [c.quote for c in answer.citations if c.doc_id == doc_id]


def test_a_candidates_position_is_his_stated_position_not_a_question_he_asks(pipeline: AnswerPipeline) -> None:
    answer = pipeline.answer("Would Mr Miller keep facial recognition cameras if he were elected?")
    assert answer.kind == "answer"
    quotes = _quotes_of(answer, MILLER)
    assert quotes, "the candidate the question names is quoted"
    assert all("nook and cranny" not in q and not q.rstrip().endswith("?") for q in quotes)
    assert any(word in quotes[0].casefold() for word in ("ban", "ditch")), quotes[0]


@pytest.mark.parametrize(
    "question", ["What is Miller's view on live facial recognition?", "miller live face recognition"]
)
def test_a_named_source_is_quoted_on_the_topic_not_on_a_word_met_in_another_sense(
    pipeline: AnswerPipeline, question: str
) -> None:
    """ "live" also means living ("we can live without fear"): the named candidate's passage must still be the one about
    facial recognition, even where his words for it (an acronym) rank that chunk low."""
    answer = pipeline.answer(question)
    assert answer.kind == "answer"
    quotes = _quotes_of(answer, MILLER)
    assert quotes, "the candidate the question names is quoted"
    assert any(w in quotes[0].casefold() for w in ("facial recognition", "frt")), quotes[0]


@pytest.mark.parametrize(
    "question",
    ["compare all the sources on live facial recognition", "what does each candidate say on live face recognition"],
)
def test_a_compare_question_shows_every_candidate_on_the_topic_even_one_whose_words_rank_low(
    pipeline: AnswerPipeline, question: str
) -> None:
    answer = pipeline.answer(question)
    assert answer.kind == "answer"
    quotes = _quotes_of(answer, MILLER)
    assert quotes, "every candidate who speaks to the topic is shown"
    assert any(w in quotes[0].casefold() for w in ("facial recognition", "frt")), quotes[0]


def test_a_candidates_pledge_is_quoted_as_his_position_not_the_public_feedback_he_reports(
    pipeline: AnswerPipeline,
) -> None:
    answer = pipeline.answer("What is Roger Hirst's promise on special constables?")
    assert answer.kind == "answer"
    hirst = [c for c in answer.citations if c.doc_id == HIRST]
    assert hirst, "the candidate the question names is quoted"
    best = max(hirst, key=lambda c: c.score)
    assert PLEDGE in best.quote, best.quote


def test_a_compare_question_shows_each_candidates_pledge(pipeline: AnswerPipeline) -> None:
    answer = pipeline.answer("Compare what the sources say about volunteer special constables")
    assert answer.kind == "answer"
    assert any(PLEDGE in quote for quote in _quotes_of(answer, HIRST)), _quotes_of(answer, HIRST)
    assert _quotes_of(answer, MILLER), "every candidate who speaks to the topic is shown"


def test_asking_what_those_standing_say_compares_every_source_on_the_topic(pipeline: AnswerPipeline) -> None:
    """The office they stand for is no topic: "mayor" must not pull in passages about the mayoralty."""
    answer = pipeline.answer("what do those standing for mayor say about specials")
    assert answer.kind == "answer", answer.text
    assert any(PLEDGE in quote for quote in _quotes_of(answer, HIRST)), _quotes_of(answer, HIRST)
    assert all("mayor" not in c.quote.casefold() for c in answer.citations), [c.quote for c in answer.citations]


def test_a_compare_question_naming_sources_puts_those_that_speak_to_it_first(pipeline: AnswerPipeline) -> None:
    """Named sources first, then the others on the topic; a named source that is silent on it is not quoted."""
    answer = pipeline.answer("how do the pc predator article and miller compare on facial recognition")
    assert answer.kind == "answer", answer.text
    docs = [c.doc_id for c in answer.citations]
    assert docs[0] == MILLER and "news-pc-predator-jailed" not in docs, docs
    assert "Other sources on this topic" in answer.text


def test_a_lead_in_is_quoted_with_the_list_it_introduces(pipeline: AnswerPipeline) -> None:
    answer = pipeline.answer("which goals does the government set for the Safer Streets Mission")
    miller = [c for c in answer.citations if c.doc_id == MILLER]
    assert miller
    best = max(miller, key=lambda c: c.score).quote
    assert best.startswith("With the Safer Streets Mission they want to:")
    assert "\n- Halve knife crime within ten years." in best
    for citation in answer.citations:  # no quote ends on a lead-in without its list
        assert not citation.quote.rstrip().endswith(":")


def test_a_question_asking_for_a_number_gets_the_passage_with_the_number(pipeline: AnswerPipeline) -> None:
    answer = pipeline.answer("In 2024, how many serious violence hotspots did the commissioner's plan aim at?")
    assert answer.kind == "answer"
    assert any("15 SV hotspots" in c.quote for c in answer.citations), [c.quote for c in answer.citations]


@pytest.mark.parametrize(
    "question",
    [
        "Is anyone promising to bring back youth clubs?",
        "should fire and police be merged into one service?",
        "plans to recruit more specials?",
    ],
)
def test_synonyms_of_covered_topics_are_answered(pipeline: AnswerPipeline, question: str) -> None:
    assert pipeline.answer(question).kind == "answer"


@pytest.mark.parametrize(
    "question",
    [
        "What is the burglary rate in Brentwood this year?",
        "When is Chelmsford police station open on Sundays?",
        "what's the phone number for Epping police station",
    ],
)
def test_local_facts_no_document_states_are_abstained(pipeline: AnswerPipeline, question: str) -> None:
    answer = pipeline.answer(question)
    assert answer.kind == "abstain", [c.quote for c in answer.citations]
    assert answer.citations == []


BATCH = [
    "what will happen to social media arrests",
    "drug testing when people are arrested",
    "Which police officer was jailed for a second time?",
    "Did the court find the Met's use of live facial recognition lawful?",
    "how does the plan protect women at night",
    "What did the London Assembly hear about police on social media?",
    "knife crime prevention in schools",
    "Why was the investigation into the Caroline Flack charging decision closed?",
    "what is hirst doing about rural crime",
    "how many people in essex are special constables",
]


def test_quotes_are_verbatim_short_and_from_at_most_five_sources(pipeline: AnswerPipeline) -> None:
    documents = pipeline.retriever.data.documents
    lengths: list[int] = []
    for question in BATCH:
        answer = pipeline.answer(question)
        assert answer.kind == "answer", question
        assert 1 <= len(answer.citations) <= 5
        spans = sorted((c.doc_id, c.start, c.end) for c in answer.citations)
        for (doc, _, end), (next_doc, start, _) in pairwise(spans):
            assert doc != next_doc or end <= start, ("two quotes of one source overlap", question, spans)
        for citation in answer.citations:
            assert documents[citation.doc_id].text[citation.start : citation.end] == citation.quote
            words = len(citation.quote.split())
            assert 5 <= words <= 90, (question, citation.quote)
            assert not citation.quote.rstrip().endswith("?"), (question, citation.quote)
            lengths.append(words)
    average = sum(lengths) / len(lengths)
    assert 15 <= average <= 50, average


def test_a_one_line_answer_is_quoted_with_the_paragraph_that_explains_it(pipeline: AnswerPipeline) -> None:
    """ "No, ... is not the end goal." stands as its own short paragraph; what the goal is follows in the next."""
    answer = pipeline.answer("is zero crime Miller's aim?")
    assert answer.kind == "answer"
    quotes = _quotes_of(answer, MILLER)
    assert any("not the end goal" in q and "live and feel safe" in q for q in quotes), quotes


def test_a_lettered_sub_heading_is_never_quoted_on_its_own(pipeline: AnswerPipeline) -> None:
    """ "b. Stalking involving fear of violence ... (Section 4A)" heads the text about that offence: a label, not a
    passage; the quote is the text under it."""
    answer = pipeline.answer("what is the penalty for stalking that puts someone in fear of violence")
    assert answer.kind == "answer", answer.text
    headings = [c.quote for c in answer.citations if c.quote.rstrip().endswith("(Section 4A)")]
    assert headings == []
    assert any("10 years" in c.quote or "fear that violence" in c.quote for c in answer.citations), answer.text


def test_lettered_lines_in_a_row_are_a_list_not_sub_headings() -> None:
    from index.chunking import Span
    from index.passages import _in_subheading

    text = "We will:\na) reduce knife crime by a tenth\nb) double the patrols in town centres\n\nMore follows."
    start = text.index("double")
    assert not _in_subheading(text, Span(start, start + 6))
    heading = "The law.\n\nb. Stalking involving fear of violence (Section 4A)\n\nThis is a more serious offence."
    start = heading.index("Stalking")
    assert _in_subheading(heading, Span(start, start + 8))


def test_the_fitted_ranking_weighs_what_answers_and_is_stored_readably(pipeline: AnswerPipeline) -> None:
    """The ranking of a source's passages is fitted on dev questions; its weights are a readable file, and a passage
    holding the question's topic words and the number asked for outranks one that is only close in meaning."""
    from index.evaluation import DEFAULT_FITTING, load_questions
    from index.quote_fit import fit_ranking
    from index.quoting import PassageFeatures, load_ranking, weighted

    ranking = load_ranking()
    on_topic = PassageFeatures(0.5, 0.5, 0.5, overlap=1.0, number=1.0, stance=0.0, speech=0.0, length_cost=0.0)
    only_close = PassageFeatures(0.6, 0.6, 0.5, overlap=0.2, number=0.0, stance=0.0, speech=0.0, length_cost=0.0)
    assert weighted(on_topic, ranking) > weighted(only_close, ranking)

    # On questions held out of each fold (dev and our own training questions), the fitted ranking picks the passage
    # holding the evidence about as often as the hand-set weights, which were set on all of dev and so have seen the
    # held-out dev questions: within two questions in about 230.
    fitted = fit_ranking(pipeline, load_questions(split="dev") + load_questions(DEFAULT_FITTING, "train"))
    assert fitted.accuracy >= fitted.hand_accuracy - 0.01, fitted


def test_a_short_sentence_setting_the_scene_runs_on_into_the_next() -> None:
    """ "She also covered van hire." says what was asked about; the sentence after it says what she said."""
    scene = Passage("doc", Span(0, 30), range(0, 1), 0, words=6, is_list=False)
    pair = Passage("doc", Span(0, 90), range(0, 2), 0, words=18, is_list=False)
    long_pair = Passage("doc", Span(0, 400), range(0, 2), 0, words=80, is_list=False)
    best = Quote("doc", scene.span, score=0.7, overlap=1.0, rank=2.0)
    assert _run_on(best, [scene, pair]).span == pair.span
    assert _run_on(best, [scene, pair]).score == best.score  # how strongly it answers is the sentence's
    assert _run_on(best, [scene, long_pair]).span == scene.span  # the two would be too long a quote
    sentence = Passage("doc", Span(0, 200), range(0, 1), 0, words=40, is_list=False)
    assert _run_on(Quote("doc", sentence.span, 0.7), [sentence, long_pair]).span == sentence.span  # long enough alone
