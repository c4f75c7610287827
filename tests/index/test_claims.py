"""What a why/when question takes for granted, and passages that say the opposite (index/claims.py). Questions and
sentences are our own, not from the labelled sets."""

from __future__ import annotations

import pytest

from index.answer import AnswerPipeline
from index.claims import Pole, claim_of, denied
from index.lexical import analyse


def _holds(stem: str, words: frozenset[str]) -> bool:
    return stem in words


def _topic(question: str) -> tuple[str, ...]:
    return analyse(question)


@pytest.mark.parametrize(
    ("question", "pole"),
    [
        ("why does the mayor want to scrap speed cameras", Pole.LESS),
        ("why is the council doubling street lighting", Pole.MORE),
        ("why does she oppose closing the station", Pole.MORE),  # opposing a cut is wanting it kept
        ("why won't he support more patrols", Pole.LESS),
        ("why was the driver found not guilty", Pole.LENIENT),
        ("why was the burglar jailed", Pole.CUSTODY),
        ("why did the court call the search unlawful", Pole.UNLAWFUL),
        ("why does the council want speed bumps on every road", Pole.MORE),  # wanting a thing is being for it
        ("how come the mayor wants to close the library", Pole.LESS),  # wanting less of it
        ("why is the council scaling back bin collections", Pole.LESS),
        ("why did the street pastors pilot fail", Pole.BAD),  # a judgement of how well something works
        ("why does the council want no cars in the high street", Pole.LESS),  # wanting none of it
    ],
)
def test_a_why_question_takes_its_stance_for_granted(question: str, pole: Pole) -> None:
    claim = claim_of(question)
    assert claim is not None
    assert claim.pole is pole


@pytest.mark.parametrize(
    "question",
    ["what does the mayor say about speed cameras", "will they cut patrols", "why not ask the council", "why"],
)
def test_other_questions_take_nothing_for_granted(question: str) -> None:
    assert claim_of(question) is None


def test_a_passage_saying_the_opposite_denies_the_claim() -> None:
    question = "why does the mayor want to scrap speed cameras"
    claim = claim_of(question)
    assert claim is not None
    topic = _topic(question)
    assert denied(claim, topic, ["We will install more speed cameras on main roads."], [], _holds)
    assert denied(claim, topic, ["I do not support removing a single speed camera."], [], _holds) is False
    assert denied(claim, topic, ["I am against keeping speed cameras."], [], _holds) is False  # says the same


def test_a_negated_stance_is_the_opposite_one() -> None:
    question = "why does the mayor support cannabis cafes"
    claim = claim_of(question)
    assert claim is not None
    assert denied(claim, _topic(question), ["The mayor does not support cannabis cafes."], [], _holds)


def test_the_opposite_said_of_another_topic_denies_nothing() -> None:
    question = "why does the plan want to cut burglary"
    claim = claim_of(question)
    assert claim is not None
    assert not denied(claim, _topic(question), ["We will increase patrols in town centres."], [], _holds)


def test_where_parties_disagree_the_claim_is_one_of_theirs() -> None:
    """One side's passage says unlawful, but the text around it also reports the other side saying lawful."""
    question = "why is the new camera policy lawful"
    claim = claim_of(question)
    assert claim is not None
    passage = "The regulator said the camera policy is unlawful."
    context = [passage + " The force said its camera policy is lawful and proportionate."]
    assert denied(claim, _topic(question), [passage], [], _holds)
    assert not denied(claim, _topic(question), [passage], context, _holds)


@pytest.mark.parametrize(
    "question",
    [
        "why has hirst promised to get rid of special constables",  # he would double them
        "why was trentham let off",  # he was jailed
        "why did the ehrc call the met's use of live facial recognition legitimate",  # it said unlawful
        "why was stuart trentham acquitted",  # jailed; another article's "no misconduct" is not said of him
        "hirst halving special constables why",  # a keyword query ending in "why": he would double them
    ],
)
def test_a_question_resting_on_the_opposite_of_what_a_source_says_is_abstained_on(
    pipeline: AnswerPipeline, question: str
) -> None:
    assert pipeline.answer(question).kind == "abstain"


@pytest.mark.parametrize(
    "question",
    [
        "why does james miller want to get rid of facial recognition",
        "why is hirst doubling the special constabulary",
        "why was stuart trentham jailed",
        "why does miller oppose the covid passport",
        "why won't miller legalise drugs",
        "why does the plan want to cut knife crime",
        "why does the plan want no deaths on essex roads by 2040",
    ],
)
def test_a_question_whose_premise_a_source_states_is_answered(pipeline: AnswerPipeline, question: str) -> None:
    assert pipeline.answer(question).kind == "answer"


def test_a_stance_word_counts_only_for_the_words_beside_it() -> None:
    """In "re-open the libraries ... and reduce crime" the reducing is said of crime, not of the libraries."""
    question = "why does the mayor want to close the libraries"
    claim = claim_of(question)
    assert claim is not None
    passage = "We will re-open the libraries to give young people a safe place to go and reduce crime."
    assert denied(claim, _topic(question), [passage], [], _holds)


def test_the_opposite_said_beside_the_quoted_passage_denies_the_claim() -> None:
    """The passage to be quoted takes no stance, but the source's text around it says the opposite of the claim."""
    question = "why does the mayor want to scrap speed cameras"
    claim = claim_of(question)
    assert claim is not None
    passage = "Speed cameras are a matter for the highways team."
    context = [passage + " We will install more speed cameras near schools."]
    assert not denied(claim, _topic(question), [passage], [passage], _holds)
    assert denied(claim, _topic(question), [passage], context, _holds)


def test_supporting_a_stance_is_that_stance() -> None:
    """ "Support the closure" is for less: it denies a claim that the speaker is against closing."""
    question = "why is the mayor against closing the station"
    claim = claim_of(question)
    assert claim is not None and claim.pole is Pole.MORE
    assert denied(claim, _topic(question), ["I would support the closure of the station."], [], _holds)
    assert not denied(claim, _topic(question), ["I would support keeping the station open."], [], _holds)


def test_a_judgement_the_passage_reverses_denies_the_claim() -> None:
    question = "why did the street pastors pilot fail"
    claim = claim_of(question)
    assert claim is not None
    assert denied(claim, _topic(question), ["The street pastors pilot was a success in every town."], [], _holds)
    assert not denied(claim, _topic(question), ["The street pastors pilot failed to reach rural areas."], [], _holds)


@pytest.mark.parametrize(
    ("question", "passage"),
    [
        ("why does the mayor say the ferry service is awful", "I think the ferry service is outstanding value."),
        ("why did she call the youth scheme dreadful", "She said the youth scheme has been brilliant for the town."),
        ("why does he think the helpline does a great job", "In my view the helpline is abysmal and must change."),
    ],
)
def test_everyday_words_of_praise_and_blame_are_judgements(question: str, passage: str) -> None:
    claim = claim_of(question)
    assert claim is not None and claim.pole in (Pole.GOOD, Pole.BAD)
    assert denied(claim, _topic(question), [passage], [], _holds)


def test_a_stance_under_a_condition_is_no_position() -> None:
    question = "why does the councillor want to legalise fireworks sales"
    claim = claim_of(question)
    assert claim is not None
    against = "I oppose legalising fireworks sales."
    conditional = "If the council could license legalised fireworks sales it would raise money, but the harm is great."
    assert denied(claim, _topic(question), [against, conditional], [], _holds)
    assert not denied(claim, _topic(question), [against, "We would legalise fireworks sales."], [], _holds)


def test_keeping_a_team_safe_from_cuts_denies_scrapping_it() -> None:
    question = "why does the council want to scrap the dog wardens"
    claim = claim_of(question)
    assert claim is not None
    assert denied(claim, _topic(question), ["We must ringfence our dog wardens."], [], _holds)


def test_finding_no_misconduct_denies_a_finding_of_guilt() -> None:
    question = "why did the inquiry find the wardens guilty of misconduct"
    claim = claim_of(question)
    assert claim is not None
    assert denied(claim, _topic(question), ["The inquiry found there was no misconduct by the wardens."], [], _holds)
