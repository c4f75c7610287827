"""A town the documents never mention is abstained on however it is typed; everyday words that are also places
("reading", "march") and the places the documents do mention are not."""

from __future__ import annotations

import pytest

from index.answer import AnswerPipeline
from index.places import PlaceNames, gazetteer_names, unlisted_places


def test_the_gazetteer_holds_small_towns_but_not_everyday_words() -> None:
    names = set(gazetteer_names())
    assert {"basildon", "tiptree", "canvey island", "clacton", "clacton-on-sea"} <= names
    assert names.isdisjoint({"reading", "march", "deal", "bath", "cars", "wil", "receiving", "biking"})


def test_places_are_found_in_any_case_and_only_when_the_documents_never_mention_them() -> None:
    places = PlaceNames(["tiptree", "canvey island", "sheffield", "toyota", "southend-on-sea", "southend"])
    assert places.unknown_in("how many pcsos in tiptree", written="") == ["tiptree"]
    assert places.unknown_in("tiptree's police station", written="") == ["tiptree"]
    assert places.unknown_in("Is CANVEY ISLAND safe at night?", written="") == ["canvey island"]
    assert places.unknown_in("what happened at sheffield crown court", written="at sheffield crown court") == []
    assert places.unknown_in("crime in southend-on-sea", written="the southend seafront") == []


def test_a_one_word_name_counts_only_where_a_place_is_spoken_of() -> None:
    places = PlaceNames(["toyota", "tiptree"])
    assert places.unknown_in("are toyota cars stolen more", written="") == []
    assert places.unknown_in("tiptree crime", written="") == []
    assert places.unknown_in("thefts in tiptree", written="") == ["tiptree"]
    assert places.unknown_in("burglary figures tiptree 2023", written="") == ["tiptree"]  # a keyword query ends on it
    assert places.unknown_in("tiptree", written="") == []  # the word alone


@pytest.mark.parametrize(
    "question",
    [
        "how many special constables are there in basildon",  # Essex's figure is no answer about one town
        "knife crime figures for brentwood",
        "how many asb incidents were there in tiptree",
    ],
)
def test_a_lower_case_town_the_documents_never_mention_is_abstained_on(pipeline: AnswerPipeline, question: str) -> None:
    answer = pipeline.answer(question)
    assert answer.kind == "abstain", [c.quote for c in answer.citations]


def test_a_lower_case_place_the_documents_mention_is_answered(pipeline: AnswerPipeline) -> None:
    answer = pipeline.answer("what is happening to special constable numbers across essex")
    assert answer.kind == "answer", answer.text


def test_an_unknown_word_after_a_preposition_of_place_is_an_unlisted_place() -> None:
    known = {"knife", "crime", "essex"}.__contains__
    common = {"how", "many", "were", "there", "in", "the", "near", "future", "at", "weekends"}.__contains__
    assert unlisted_places("how many knife crimes were there in thurrock", known, common) == ["thurrock"]
    assert unlisted_places("knife crime near wibbleton", known, common) == ["wibbleton"]
    assert unlisted_places("knife crime in essex in the future", known, common) == []  # known words
    assert unlisted_places("thurrock knife crime", known, common) == []  # not spoken of as a place


@pytest.mark.parametrize(
    "question",
    [
        "is anti-social behaviour getting worse in thurrock",  # a borough: the gazetteer lists towns, not boroughs
        "how many burglaries were reported in uttlesford",
    ],
)
def test_a_place_the_gazetteer_does_not_list_is_abstained_on(pipeline: AnswerPipeline, question: str) -> None:
    assert pipeline.answer(question).kind == "abstain"


@pytest.mark.parametrize("question", ["how many drug crimes are there in essx", "smoke alarms in evry home"])
def test_a_typo_after_a_preposition_of_place_is_not_taken_for_a_place(pipeline: AnswerPipeline, question: str) -> None:
    assert pipeline.answer(question).kind == "answer"
