"""A resident's short word that the documents never use is spelled out for the dense model."""

from index.synonyms import Synonyms

GROUPS = [["specials", "special constable", "special constabulary"], ["knife", "knives", "sharp object"]]


def test_a_word_the_documents_never_use_is_spelled_out() -> None:
    synonyms = Synonyms(GROUPS)
    written = {"knife", "special", "constable"}
    assert synonyms.spelled_out("More specials?", written.__contains__) == (
        "More specials? (special constable; special constabulary)"
    )


def test_a_word_the_documents_use_is_left_as_it_is() -> None:
    synonyms = Synonyms(GROUPS)
    assert synonyms.spelled_out("knife crime", {"knife"}.__contains__) == "knife crime"
    assert synonyms.spelled_out("more specials", {"specials"}.__contains__) == "more specials"


def test_a_word_whose_synonym_the_documents_use_is_known() -> None:
    """A resident's word for what the documents name otherwise is no sign of a topic they do not cover."""
    synonyms = Synonyms(GROUPS)
    knows = {"constabulari", "drone"}.__contains__  # the documents' (stemmed) words
    assert synonyms.known("drone", knows)
    assert synonyms.known("special", knows)  # the documents never say it, but they say "special constabulary"
    assert not synonyms.known("knife", knows)  # neither it nor its synonyms appear
    assert not synonyms.known("tractor", knows)  # in no group and not used


def test_a_documents_acronym_is_spelled_out_for_embedding() -> None:
    """A writer's acronym ("I would ban it FRT") means nothing to the dense model; its longer names are added."""
    synonyms = Synonyms([["facial recognition", "frt"], ["knife", "sharp object"]])
    assert synonyms.acronyms_spelled_out("I would ban it FRT.") == "I would ban it FRT. (facial recognition)"
    assert synonyms.acronyms_spelled_out("Ban frt and knives") == "Ban frt and knives"  # not written as an acronym
    assert synonyms.acronyms_spelled_out("The NHS and the CPS") == "The NHS and the CPS"  # no longer name listed
