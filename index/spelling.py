"""Typos in questions ("polce", "servise", "dubble") corrected towards the words the documents use.

A misspelt word is unknown to the corpus and weighs most in the coverage check, so one typo could turn a covered topic
into an abstention. Only words that neither the documents nor the embedding model's vocabulary of whole English words
know are touched ("elderly" is a word the documents do not use, not a typo), and only towards a close corpus word: a
place or a person the documents never mention stays unknown, so it still counts against answering.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
MIN_LENGTH = 5  # shorter words have too many close neighbours to correct safely
_STEMMER = Stemmer.Stemmer("english")
SIMILARITY = 0.8  # difflib ratio: one edit in a five- to nine-letter word, two in a longer one


class Spelling:
    def __init__(self, texts: Iterable[str], lexicon: Iterable[str] = ()) -> None:
        corpus = {w.casefold() for text in texts for w in _WORD.findall(text)} | set(STOPWORDS_EN_PLUS)
        self._corpus = frozenset(corpus)
        self._stems = frozenset(_STEMMER.stemWords(list(corpus)))
        self._known = self._corpus | frozenset(lexicon)
        # Candidates by first letter and length: typos rarely change the first letter, and it keeps the search short.
        self._by_start: dict[tuple[str, int], list[str]] = {}
        for word in corpus:  # a short word is no target either: "witham" is a town, not a typo of "with"
            self._by_start.setdefault((word[:1], len(word)), []).append(word)
        self.correct = lru_cache(maxsize=4096)(self._correct)

    def _correct(self, text: str) -> str:
        """The text with each word the corpus does not know replaced by its closest corpus word, if one is close."""
        return _WORD.sub(lambda match: self._word(match.group()), text)

    def _word(self, word: str) -> str:
        folded = word.casefold()
        if len(folded) < MIN_LENGTH or folded in self._corpus or _known_form(folded, self._corpus):
            return word
        british = folded.replace("iz", "is")  # "legalizing" where the documents write "legalising"
        if british != folded and _STEMMER.stemWord(british) in self._stems:
            return british
        if folded in self._known:  # an English word the documents do not use is not a typo
            return word
        pool = [
            w
            for size in range(max(MIN_LENGTH, len(folded) - 2), len(folded) + 3)
            for w in self._by_start.get((folded[:1], size), [])
        ]
        close = difflib.get_close_matches(folded, pool, n=1, cutoff=SIMILARITY)
        return close[0] if close else word


def _known_form(word: str, known: frozenset[str]) -> bool:
    """A plural or verb form of a corpus word is not a typo ("clubs" when only "club" is written)."""
    return any(word.endswith(ending) and word[: -len(ending)] in known for ending in ("s", "es", "ed", "ing", "'s"))
