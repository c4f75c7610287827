"""Undo the misspellings and texting shorthand of a message typed in a hurry, for the safety rules only.

A word is corrected only when it is no English word and is close in spelling to one of the words the emergency rules
look for ("stabed", "colapsed", "breething"), so ordinary words ("breaking", "free") are never changed.
"""

from __future__ import annotations

import difflib
import re
from functools import cache, lru_cache

# The words the safety rules hinge on; a misspelling of one of them would otherwise hide an emergency.
KEYWORDS = frozenset(
    {
        "abducted",
        "accident",
        "alzheimers",
        "ambulance",
        "attacked",
        "attacking",
        "beating",
        "bleeding",
        "breath",
        "breathe",
        "breathing",
        "burning",
        "choking",
        "collapsed",
        "collision",
        "conscious",
        "crashed",
        "dementia",
        "drowning",
        "emergency",
        "fainted",
        "fire",
        "flames",
        "help",
        "hitting",
        "house",
        "injured",
        "kidnapped",
        "knife",
        "knocked",
        "missing",
        "monoxide",
        "overdose",
        "please",
        "poisoned",
        "punching",
        "responding",
        "screaming",
        "seizure",
        "someone",
        "somebody",
        "stabbed",
        "strangling",
        "stuck",
        "suicidal",
        "swallowed",
        "threatening",
        "trapped",
        "unconscious",
        "unresponsive",
        "wandered",
    }
)
SHORTHAND = {
    "sum1": "someone",
    "some1": "someone",
    "som1": "someone",
    "sumone": "someone",
    "sum1s": "someone's",
    "pls": "please",
    "plz": "please",
    "plzz": "please",
    "ppl": "people",
    "rite": "right",
    "nite": "night",
    "ambo": "ambulance",
}
_WORD = re.compile(r"[a-z0-9']+")


@cache
def _english() -> frozenset[str]:
    """Loaded on the first word that could be a misspelling (about a second), then kept."""
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2", "gcide"], lower=True))


@lru_cache(maxsize=8192)  # bounded: residents type words without end
def _correction(word: str) -> str:
    if word in SHORTHAND:
        return SHORTHAND[word]
    if len(word) < 4 or word in KEYWORDS or not word.isalpha():
        return word
    cutoff = 0.75 if len(word) < 6 else 0.84
    close = difflib.get_close_matches(word, sorted(KEYWORDS), n=1, cutoff=cutoff)  # sorted: ties break the same way
    if not close or _is_english(word):
        return word
    return close[0]


def _is_english(word: str) -> bool:
    """The dictionary lists few inflected forms: "allowed" and "beeping" are words because "allow" and "beep" are."""
    english = _english()
    stems = [word] + [word[: -len(end)] for end in ("ing", "ed", "es", "s", "d") if word.endswith(end)]
    undoubled = [stem[:-1] for stem in stems[1:] if len(stem) > 2 and stem[-1] == stem[-2]]  # "stopped", "stopp"
    return any(stem in english for stem in stems + undoubled) or any(s + "e" in english for s in stems[1:])


def correct_typos(text: str) -> str:
    """The message in lower case with misspelt safety words and shorthand written out."""
    return _WORD.sub(lambda m: _correction(m.group()), text.lower())
