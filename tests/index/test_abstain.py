"""Abstention that generalises: words residents use for covered topics get answers, local facts no document states
get the abstention. Questions here are our own, not in the labelled set (tests/eval/questions*.yaml)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from index.abstention import AbstentionModel, Signals
from index.abstention_fit import training_questions
from index.answer import AnswerPipeline
from index.embedding import Embedder
from index.evaluation import DEFAULT_FITTING, load_questions
from index.lexical import analyse
from index.question import Detail, counted, unknown_names, wanted_detail
from index.question_exemplars import EXEMPLARS_FILE_NAME, QuestionExemplars
from index.spelling import Corrector
from knowledge.corpus import default_corpus_dir

NEAR_DUPLICATE = 0.85  # cosine above which two questions are the same question reworded


@pytest.mark.parametrize(
    "question",
    [
        "what is the polcie plan for tackling knife crime",  # a typo
        "miller on legalizing drugs",  # American spelling, the documents write "legalising"
        "does anyone want to bring back youth clubs for teenagers",  # the documents say youth centres
        "how will they cut the backlog of court cases",  # the documents speak of delays in court hearings
        "who wants bodycams on every officer",  # the documents say Body Worn Video
        "lol what does the plan say about fraud against pensioners",  # a chat filler weighs nothing
        "how much bigger will the special constabulary get",  # a question of degree: "doubling" answers it
        "would miller stop people being arrested for posts on Instagram",  # a brand: they say social media
    ],
)
def test_other_words_for_a_covered_topic_get_an_answer(pipeline: AnswerPipeline, question: str) -> None:
    answer = pipeline.answer(question)
    assert answer.kind == "answer", answer.text
    assert answer.citations


def test_specials_are_judged_answerable(pipeline: AnswerPipeline) -> None:
    """The documents say Special Constables; whether a quote then clears the quoting floor is the quote chooser's."""
    assert pipeline.relevance(*pipeline.retrieve("any plans to put more specials on the beat?")).answerable


@pytest.mark.parametrize(
    "question",
    [
        "what is the crime rate in tiptree",  # a town no document mentions, written in lower case
        "What are the opening hours of Saffron Walden police station?",
        "phone number of the Southend custody suite",  # a town the documents mention, but no phone number
        "is harlow police station open at weekends",
        "email for the commissioner's office",
        "how many people did officers arrest across the county over the weekend",  # no document speaks of it
        "number of officers stationed at clacton",  # a town one passage names, with no figure for it
        "how many pcsos are based in canvey island",
    ],
)
def test_local_facts_no_document_states_get_the_abstention(pipeline: AnswerPipeline, question: str) -> None:
    answer = pipeline.answer(question)
    assert answer.kind == "abstain", [c.quote for c in answer.citations]
    assert answer.citations == []


@pytest.mark.parametrize(
    "question",
    [
        "how many months was the officer from wakefield jailed for",  # a place that only says who, not where
        "which areas will win funding from the safer streets fund",  # a prize awarded, not a contest to predict
    ],
)
def test_a_place_or_a_win_that_is_not_what_is_asked_does_not_stop_an_answer(
    pipeline: AnswerPipeline, question: str
) -> None:
    assert pipeline.relevance(*pipeline.retrieve(question)).reason == "model"


def test_a_figure_for_the_area_the_documents_cover_is_answered(pipeline: AnswerPipeline) -> None:
    """The county is named throughout the documents: its figures are not a local detail."""
    answer = pipeline.answer("how many special constables are there in essex")
    assert answer.kind == "answer", answer.text
    assert any(char.isdigit() for c in answer.citations for char in c.quote)


@pytest.mark.parametrize(
    "question",
    [
        "how many fixed speed cameras does the county have",  # a figure the documents give for something else
        "how many shoplifting offences were recorded last year",
        "how do i become a volunteer police cadet leader",  # a how-to that no passage tells how to do
        "where do i send a freedom of information request to the police",
        "who do i write to about a parking ticket i think is unfair",
        "will the cost of a tv licence rise in april",  # a forecast of an outcome, with no source named
        "is burglary going to get worse this winter",
        "am i allowed to keep a baseball bat by the front door",  # the resident's rights: no passage speaks of law
        "can the police take my fingerprints if i'm not arrested",
        "will a speeding fine come up on a dbs check",
        "how to become a police chaplain",  # a how-to, however it opens
        "how much did the county spend on grit for the roads",  # a sum, but none for what is asked about
        "how many officers did essex police have in 1998",  # a figure, but none for the year asked about
        "how do i start a residents' association on my estate",
        "will the jailed officer be released early",  # a forecast of what a court or a prison will do
        "who won the pride of britain award in 2011",  # a person asked for a year no passage names
        "what's the fine for parking on a double yellow line",  # what the law sets: no passage speaks of law
        "what is the usual punishment for shoplifting",
    ],
)
def test_a_figure_of_something_else_a_how_to_a_forecast_or_a_right_no_passage_gives_is_abstained(
    pipeline: AnswerPipeline, question: str
) -> None:
    answer = pipeline.answer(question)
    assert answer.kind == "abstain", [c.quote for c in answer.citations]


@pytest.mark.parametrize(
    "question",
    [
        "how many people in the county are special constables",  # "people": what they are is said after it
        "how many extra officers would 1% of businesses pay for",
        "how many knife crimes were recorded in essex",
        "can i contact the police online",
        "how much was the police budget last year",  # "last year" says when, not what is counted
        "how can i find out what the candidates say about facial recognition",  # asks about the documents
        "where can i read about the plan for road safety",
        "could i get the main points of the police and crime plan",  # asks for the documents, not how to do a thing
        "how much does essex police get each year",  # what follows "how much does" gets it, is not counted
    ],
)
def test_a_figure_or_a_how_to_that_a_passage_gives_is_answered(pipeline: AnswerPipeline, question: str) -> None:
    assert pipeline.relevance(*pipeline.retrieve(question)).reason == "model"


@pytest.mark.parametrize(
    "question",
    [
        "will hirst's plan bring knife crime down",  # a named source's aim, not a forecast
        "is it legal for the met to use live facial recognition",  # a passage speaks of the law
        "how much is the net expenditure budget",  # a sum the documents give
        "how many knife crime incidents were there to may 2025",  # a year a passage names
    ],
)
def test_a_pledge_a_law_a_sum_or_a_year_that_a_passage_gives_is_answered(
    pipeline: AnswerPipeline, question: str
) -> None:
    assert pipeline.relevance(*pipeline.retrieve(question)).answerable, question


def test_what_a_figure_counts_is_read_from_the_question() -> None:
    assert counted("how many speed cameras are there in the county") == analyse("speed cameras")
    assert counted("what number of officers are based there") == analyse("officers")
    assert counted("how many people are special constables") == ()
    assert counted("will they count how many gangs are broken up") == ()  # asks whether, not how many
    assert counted("what do the candidates say about knife crime") == ()
    assert counted("how much bigger will the force be") == ()  # a degree, which "doubling" gives as well as a figure
    assert counted("how many more officers will there be") == analyse("officers")
    assert counted("how many locals would volunteer") == ()  # who is counted, not what


@pytest.mark.parametrize(
    "question",
    [
        "who will win strictly come dancing",  # a document mentions the show: closeness alone would answer
        "whos the favourite to win the fa cup",
        "who's going to win the world darts",
    ],
)
def test_who_will_win_a_contest_is_abstained_on_not_refused(pipeline: AnswerPipeline, question: str) -> None:
    """A prediction no document makes: the abstention, not vote advice's refusal and not a quote about the contest."""
    answer = pipeline.answer(question)
    assert answer.kind == "abstain", [c.quote for c in answer.citations]


def test_typos_are_corrected_towards_the_documents_words_only() -> None:
    documents = ["The police and fire service will double the Special Constabulary."]
    corrector = Corrector.towards_documents(documents, ["elderly", "police"])
    assert corrector.correct("polce and fire servise") == "police and fire service"
    assert corrector.correct("elderly people") == "elderly people"  # an English word, not a typo
    assert corrector.correct("braintree police") == "braintree police"  # a name nothing in the documents resembles


def test_a_word_the_documents_hyphenate_is_no_typo_written_whole() -> None:
    """The documents write "re-opening"; a resident's "reopening" is that word, not a typo of "reoffending"."""
    corrector = Corrector.towards_documents(["Supporting the re-opening of libraries cuts reoffending."])
    assert corrector.correct("reopening libraries") == "reopening libraries"
    assert set(analyse("reopening")) <= set(analyse("the re-opening of libraries"))


def test_two_words_run_together_and_a_plural_acronym_are_read_as_the_documents_write_them() -> None:
    corrector = Corrector.towards_documents(["The Crime Watch scheme and the PCC."], ["watch", "crime"])
    assert corrector.correct("crimewatch volunteers") == "crime watch volunteers"
    assert corrector.correct("are pccs paid") == "are pcc paid"
    assert corrector.correct("watches") == "watches"  # a form of a word, not two


def test_texting_shorthand_is_written_out_before_the_question_is_read() -> None:
    corrector = Corrector.towards_documents(["We will work with the council on crime."])
    assert corrector.correct("is he gonna wrk wiv the council") == "is he going to work with the council"
    assert corrector.correct("a U-turn in NW Essex") == "a U-turn in NW Essex"  # capitals are no shorthand


def test_days_and_months_are_no_names_the_documents_cannot_speak_of() -> None:
    assert unknown_names("More patrols on Saturdays and in August?", lambda _: False) == []
    assert unknown_names("More patrols in Tollbridge?", lambda _: False) == ["Tollbridge"]


def test_a_hyphenated_word_is_a_term_written_whole_only_where_the_documents_write_it_so(
    pipeline: AnswerPipeline,
) -> None:
    """ "ex-officer": the documents never write "exofficer", which would count as a word they do not know."""
    parsed, _ = pipeline.retrieve("how long was the ex-officer jailed")
    assert not set(analyse("exofficer")) & set(parsed.terms)
    assert set(analyse("officer")) <= set(parsed.terms)
    reopening, _ = pipeline.retrieve("re-opening youth centres")
    assert set(analyse("reopening")) <= set(reopening.terms)


def test_a_typo_is_corrected_to_the_word_fewest_edits_away() -> None:
    """Two letters swapped is one slip: "polcie" is "police", not the longer "policies" that shares more letters."""
    corrector = Corrector.towards_documents(["Police policies on officers."])
    assert corrector.correct("polcie and offcers") == "police and officers"


def test_a_word_cut_short_is_completed_to_the_documents_commonest_form_of_it() -> None:
    corrector = Corrector.towards_documents(
        ["Facial recognition. Live recognition. We recognise transparency, transport."]
    )
    assert corrector.correct("facial recog") == "facial recognition"
    assert corrector.correct("transp") == "transp"  # begins two different words: left as written


def test_a_typo_of_a_known_synonym_is_corrected_towards_it(pipeline: AnswerPipeline) -> None:
    """The documents write "doubling"; "dubble" is a typo of "double", a synonym we know, so the question is read."""
    assert "double" in pipeline.corrector.correct("will he dubble the specials")


@pytest.mark.parametrize(
    ("question", "detail"),
    [
        ("what's the telephone number for the station in town", Detail.PHONE),
        ("is the front desk open on Saturdays", Detail.HOURS),
        ("when does the station open", Detail.HOURS),
        ("e-mail of the commissioner", Detail.EMAIL),
        ("postcode of the police headquarters", Detail.ADDRESS),
        ("were there any burglaries on my road last night", Detail.RECENT),
        ("how many crimes were reported in the county yesterday", Detail.RECENT),
        ("after the stabbing last weekend, what are the candidates promising on knives", None),
        ("how many officers will patrol at night", None),
        ("will the candidates open new police stations", None),
    ],
)
def test_questions_asking_for_a_local_detail_are_recognised(question: str, detail: Detail | None) -> None:
    assert wanted_detail(question) == detail


def test_the_fitted_model_is_stored_as_readable_coefficients(tmp_path: Path) -> None:
    model = AbstentionModel.load()
    assert len(model.weights) == len(Signals.__dataclass_fields__)
    close = Signals(
        chunk_cosine=0.7, sentence_cosine=0.75, unknown=0.0, quote_score=0.9, quote_overlap=1.0, leaning=0.1
    )
    far = Signals(chunk_cosine=0.1, sentence_cosine=0.15, unknown=1.0, quote_score=0.2, quote_overlap=0.0, leaning=-0.1)
    assert model.probability(close) >= model.threshold > model.probability(far)
    model.save(tmp_path / "model.yaml", "a note")
    assert AbstentionModel.load(tmp_path / "model.yaml") == model


@pytest.mark.parametrize(
    "question",
    [
        "Why did Roger Hirst close every police station in Essex?",
        "When did the commissioner promise to scrap speed cameras?",
    ],
)
def test_a_question_taking_for_granted_what_no_source_says_is_abstained(
    pipeline: AnswerPipeline, question: str
) -> None:
    """Passages on the same topic that do not state the action asked about would read as confirming it."""
    answer = pipeline.answer(question)
    assert answer.kind == "abstain", [c.quote for c in answer.citations]


def test_a_why_question_whose_premise_a_source_states_is_answered(pipeline: AnswerPipeline) -> None:
    answer = pipeline.answer("Why did the Met appeal against the caution given to Caroline Flack?")
    assert answer.kind == "answer", answer.text
    assert all("appeal" in c.quote for c in answer.citations), [c.quote for c in answer.citations]


def test_who_wants_an_action_worded_unlike_the_sources_is_answered(pipeline: AnswerPipeline) -> None:
    """ "Scrap" where the candidate writes "banning": a true premise in the resident's own words."""
    answer = pipeline.answer("who wants to scrap face recognition cameras")
    assert answer.kind == "answer", answer.text


def test_who_holds_a_role_is_answered_only_by_a_passage_naming_someone(pipeline: AnswerPipeline) -> None:
    named = pipeline.answer("Who is the commissioner of the Metropolitan Police?")
    assert named.kind == "answer", named.text
    assert any("Sir Mark Rowley" in c.quote for c in named.citations), [c.quote for c in named.citations]
    unnamed = pipeline.answer("Who is the chief fire officer in Essex?")  # the plan names the role, never the person
    assert unnamed.kind == "abstain", [c.quote for c in unnamed.citations]
    # "Special Constables" is the plural of a role, not a person's name.
    role = pipeline.answer("who's the chief constable at the moment")
    assert role.kind == "abstain", [c.quote for c in role.citations]
    for keywords in ("essex chief fire officer name", "whos the head of essex fire and rescue"):  # asked as typed
        answer = pipeline.answer(keywords)
        assert answer.kind == "abstain", (keywords, [c.quote for c in answer.citations])


def test_no_training_question_paraphrases_a_labelled_question(embedder: Embedder) -> None:
    """The abstention model's own training questions must not leak the labelled questions: not the test split, or
    its figures would flatter, nor dev, or the cross-validated figures the threshold is chosen on would."""
    training = [q.question for q in training_questions()]
    held_out = [q.question for q in load_questions(split="all")]
    similarity = np.asarray(embedder.encode(training)) @ np.asarray(embedder.encode(held_out)).T
    pairs = [(training[i], held_out[j]) for i, j in zip(*np.nonzero(similarity >= NEAR_DUPLICATE), strict=True)]
    assert pairs == []
    assert {"answer", "abstain"} == {q.expect for q in training_questions()}


def test_an_everyday_word_finds_the_documents_formal_one(pipeline: AnswerPipeline) -> None:
    """Residents say "mum" where the article says "her mother" (index/synonyms.yaml)."""
    answer = pipeline.answer("what does caroline flack's mum think")
    assert answer.kind == "answer", answer.text
    assert any("her mother" in c.quote for c in answer.citations), [c.quote for c in answer.citations]


def test_a_why_question_taking_a_year_for_granted_that_no_passage_gives_is_abstained(pipeline: AnswerPipeline) -> None:
    """The plan's target year is not the one the question takes for granted: quoting it would seem to confirm it."""
    assert pipeline.answer("why does the plan aim to end road deaths by 2031").kind == "abstain"
    assert pipeline.answer("why does the plan aim for zero road deaths by 2040").kind == "answer"
    assert pipeline.answer("how come hirst wants to scale back the special constabulary").kind == "abstain"


def test_a_when_question_is_answered_only_by_a_passage_saying_when(pipeline: AnswerPipeline) -> None:
    """No document dates the mayoral election or a new headquarters: a passage on the topic saying no time would seem
    to answer what it does not. The article dates the judge's sentence."""
    assert pipeline.answer("when do people vote for the new mayor").kind == "abstain"
    assert pipeline.answer("when will the shared police and fire headquarters open").kind == "abstain"
    answer = pipeline.answer("when was the pc predator officer sentenced again")
    assert answer.kind == "answer", answer.text


def test_a_person_or_a_number_for_a_local_place_no_passage_names_is_abstained(pipeline: AnswerPipeline) -> None:
    """No document names the officers of a town or gives a station's number: someone from elsewhere would not do."""
    assert pipeline.answer("who is the neighbourhood sergeant for clacton").kind == "abstain"
    assert pipeline.answer("whats the number for the police station in southend").kind == "abstain"


def test_the_leaning_signal_reads_the_nearest_labelled_questions_of_each_kind_never_the_question_itself() -> None:
    vectors = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]], dtype=np.float32)
    texts = np.array(["is it answered", "is it answered too", "is it out of scope"], dtype=object)
    exemplars = QuestionExemplars(vectors, np.array([True, True, False]), texts)
    asked = np.array([0.6, 0.8], dtype=np.float32)
    assert exemplars.leaning(asked, "another question") == pytest.approx((0.6 + 0.96) / 2 - 0.8, abs=1e-6)
    # Asked exactly an exemplar's question, that exemplar is not counted: only the other answerable one is.
    assert exemplars.leaning(vectors[1], "Is it  answered TOO") == pytest.approx(0.8 - 0.6, abs=1e-6)
    assert QuestionExemplars.none().leaning(asked, "another question") == 0.0


def test_the_leaning_signals_exemplars_are_the_questions_fitted_on_never_the_test_split(tmp_path: Path) -> None:
    stored = yaml.safe_load((default_corpus_dir() / EXEMPLARS_FILE_NAME).read_text(encoding="utf-8"))
    fitted = {q.question: q.expect for q in load_questions(split="dev") + load_questions(DEFAULT_FITTING)}
    fitted |= {q.question: q.expect for q in training_questions()}
    assert {q: "answer" for q in stored["answer"]} | {q: "abstain" for q in stored["abstain"]} == fitted
    assert not set(stored["answer"] + stored["abstain"]) & {q.question for q in load_questions(split="test")}
    QuestionExemplars.save(["a"], ["b"], "a note", tmp_path / "exemplars.yaml")
    loaded = QuestionExemplars.load(lambda texts: np.eye(len(texts), dtype=np.float32), tmp_path / "exemplars.yaml")
    assert loaded.answerable.tolist() == [True, False]


@pytest.mark.parametrize(
    ("question", "answerable"),
    [
        ("what is a police officer's salary", False),
        ("who won the match last night", False),
        ("can i fly a drone over the beach", False),
        ("what will the candidates do about knife crime", True),
        ("is the commissioner recruiting more special constables", True),
    ],
)
def test_questions_lean_towards_the_labelled_questions_they_resemble(
    pipeline: AnswerPipeline, question: str, answerable: bool
) -> None:
    """Our own questions, in none of the labelled files: like questions the documents answer, or like ones they do
    not, by meaning rather than by the words they share with a passage."""
    parsed, _ = pipeline.retrieve(question)
    assert (pipeline.abstention.exemplars.leaning(parsed.vector, question) > 0) is answerable


@pytest.mark.parametrize(
    "question",
    [
        "what does hirst say about the nothing to hide argument",  # only Miller's blog speaks of it
        "does the pc predator article say anything about facial recognition",  # other stories do
        "miller's view on hare coursing",  # the plan speaks of it; his "course of conduct" is another sense
    ],
)
def test_a_named_source_that_does_not_speak_to_the_topic_gets_the_abstention(
    pipeline: AnswerPipeline, question: str
) -> None:
    """Other sources' words, shown for what one source says, would read as that source's position."""
    answer = pipeline.answer(question)
    assert answer.kind == "abstain", [(c.doc_id, c.quote) for c in answer.citations]


def test_a_named_source_that_speaks_to_the_topic_is_quoted_first(pipeline: AnswerPipeline) -> None:
    answer = pipeline.answer("what does miller say about machetes")
    assert answer.kind == "answer", answer.text
    assert answer.citations[0].doc_id == "miller-mayor-policing-blog"
    assert "machetes" in answer.citations[0].quote


def test_hedges_are_no_topic_words() -> None:
    """ "in general", "generally": how broad the question is, not what it is about (the documents never use them)."""
    assert analyse("What does Miller generally think about the police in general?") == analyse(
        "What does Miller think about the police?"
    )
    assert "general" in analyse("the general election")
    assert "general" in analyse("what did they say in general election hustings")


def test_a_year_a_named_source_does_not_give_is_abstained_on_though_another_source_names_it(
    pipeline: AnswerPipeline,
) -> None:
    """The plan's road target is for 2040; another source's 2025 figures are not the plan's."""
    answer = pipeline.answer("why does the plan want no deaths on essex roads by 2025")
    assert answer.kind == "abstain", [(c.doc_id, c.quote) for c in answer.citations]
