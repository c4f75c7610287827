"""Lexical retrieval with BM25 (bm25s): catches the names, numbers and acronyms a small dense model blurs."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

TOKEN = re.compile(r"(?u)\b\w\w+\b|\b\d\b")
# Words that frame a question ("what does X say about...") carry no topic.
FRAMING_WORDS = {
    "say",
    "says",
    "said",
    "tell",
    "think",
    "thinks",
    "view",
    "views",
    "agree",
    "agrees",
    "disagree",
    "differ",
    "differs",
    "stand",
    "position",
    "stance",
    "opinion",
    "anything",
    "does",
    "do",
    "did",
    "know",
    "about",
    "what",
    "whats",
    "how",
    "many",
    "much",
    "who",
    "which",
    "compare",
    "comparison",
    "source",
    "sources",
    "candidate",
    "candidates",
    "versus",
    "vs",
    "everyone",
    "each",
    "both",
    "anyone",
    "anybody",
    "promise",
    "promises",
    "promised",
    "promising",
    "pledge",
    "pledges",
    "pledged",
    "going",
    "happen",
    "happening",
    "done",
    "doing",
    "list",
    "lists",
    "listed",
    "mention",
    "mentions",
    "mentioned",
    "outline",
    "outlines",
    "describe",
    "describes",
    "explain",
    "explains",
}
# Words bm25s's list lacks that carry no topic either: contractions typed without their apostrophe, and fillers
# ("dont they...", "since"). Modal verbs stay: "would he..." asks for a position, which "I would..." states.
FILLER_WORDS = {
    "want",
    "wants",
    "wanted",
    "wanna",
    "since",
    "also",
    "really",
    "actually",
    "became",
    "become",
    "becomes",
    "get",
    "gets",
    "got",
    "dont",
    "doesnt",
    "didnt",
    "wont",
    "cant",
    "isnt",
    "arent",
    "wasnt",
    "werent",
    "im",
    "ive",
    "youre",
    "theyre",
    "hes",
    "shes",
    "whos",
    "theres",
    # Chat fillers ("what crime did he own up to lol").
    "getting",
    "gonna",
    "gotta",
    "lol",
    "lmao",
    "wat",
    "wot",
    "innit",
    "honestly",
    "basically",
    "literally",
    "reckon",
    "reckons",
    "lots",
    # Modal verbs and "what happened to": how a question is put, not what it is about ("would" stays: "would he
    # ban it" is answered by what he says he would do).
    "could",
    "might",
    "must",
    "shall",
    "try",
    "trying",
    "ever",
    "happen",
    "happens",
    "happened",
    # Hedges: how sure or how broad the asker is, not what the question is about.
    "generally",
    "exactly",
    "truly",
    "specifically",
    "particularly",
}
STOPWORDS = frozenset(STOPWORDS_EN_PLUS) | FRAMING_WORDS | FILLER_WORDS
_STEMMER = Stemmer.Stemmer("english")
# "Going up" and "going down" say which way a figure moves, though each word alone is a stop word.
# Hedging phrases whose words alone are topic words ("general election", "a particular crime").
_HEDGE = re.compile(r"\b(?:in general(?! elections?\b)|in particular|on the whole|by and large|at all)\b")
_TREND = re.compile(r"\b(?:go|goes|going|gone|went)\s+(?:back\s+)?(up|down)\b")
# A prefix written with a hyphen ("re-opening", "anti-social") also gives the word written whole, as questions often
# type it ("reopening", "antisocial").
_PREFIXED = re.compile(r"\b(re|co|pre|non|anti|ex|un|de|sub|mid|multi|over|under|cross|counter|semi|post|inter)-(\w+)")


@lru_cache(maxsize=4096)
def analyse(text: str) -> tuple[str, ...]:
    """Lower-cased, stop words removed, stemmed: the terms BM25 and the topic-word checks compare."""
    text = _HEDGE.sub(" ", text.lower().replace("’", "'"))
    words = [w for w in TOKEN.findall(text) if w not in STOPWORDS]
    words += _joined_words(text)
    words += [f"going{direction}" for direction in _TREND.findall(text)]
    return tuple(_STEMMER.stemWords(words))


def joined_forms(text: str) -> frozenset[str]:
    """The stems `analyse` adds for words written with a hyphenated prefix, joined ("reopen" of "re-opening")."""
    return frozenset(_STEMMER.stemWords(_joined_words(text.lower().replace("’", "'"))))


def _joined_words(text: str) -> list[str]:
    return [prefix + rest for prefix, rest in _PREFIXED.findall(text)]


class LexicalIndex:
    def __init__(self, model: bm25s.BM25, size: int) -> None:
        self._model = model
        self.size = size

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        model = bm25s.BM25()
        # An empty document would break bm25s' vocabulary; a placeholder term matches no query.
        model.index([list(analyse(t)) or ["\x00"] for t in texts], show_progress=False)
        return cls(model, len(texts))

    def save(self, directory: Path) -> None:
        self._model.save(str(directory), show_progress=False)
        (directory / "size.txt").write_text(str(self.size))

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        model = bm25s.BM25.load(str(directory), show_progress=False)
        return cls(model, int((directory / "size.txt").read_text()))

    def search(self, query: str, k: int) -> tuple[list[int], list[float]]:
        """Up to k rows with a positive BM25 score, best first."""
        return top_rows(self.scores(query), k)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row for the query (zeros when no term is known)."""
        terms = [t for t in analyse(query) if t in self._model.vocab_dict]
        if not terms:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._model.get_scores(terms), dtype=np.float32)

    def knows(self, term: str) -> bool:
        """Whether a (stemmed) term occurs anywhere in the indexed text."""
        return term in self._model.vocab_dict

    def document_frequency(self, term: str) -> int:
        """In how many rows a (stemmed) term occurs."""
        column = self._model.vocab_dict.get(term)
        indptr = self._model.scores["indptr"]
        if column is None or column + 1 >= len(indptr):
            return 0
        return int(indptr[column + 1] - indptr[column])


def top_rows(scores: np.ndarray, k: int) -> tuple[list[int], list[float]]:
    """The k best rows with a positive score, best first (ties by row number)."""
    positive = np.flatnonzero(scores > 0)
    if k < len(positive):
        positive = positive[np.argpartition(-scores[positive], k - 1)[:k]]
    order = sorted(positive.tolist(), key=lambda row: (-float(scores[row]), row))
    return order, [float(scores[row]) for row in order]
