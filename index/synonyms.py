"""Words residents use for what the documents call otherwise ("youth clubs" for youth centres), from synonyms.yaml.

Only for deciding whether a passage covers the question's topic: retrieval's dense side already matches meaning.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import yaml

from index.lexical import analyse

SYNONYMS_FILE = Path(__file__).with_name("synonyms.yaml")
_ACRONYM = re.compile(r"\b[A-Z]{2,6}s?\b")


class Synonyms:
    def __init__(self, groups: list[list[str]]) -> None:
        self.words = frozenset(word for group in groups for phrase in group for word in phrase.casefold().split())
        self._related: dict[str, frozenset[str]] = {}
        self._phrases: dict[str, tuple[str, ...]] = {}  # a one-word synonym -> the longer ones of its groups
        for group in groups:
            longer = tuple(p for p in group if len(p.split()) > 1)
            for phrase in group:
                if len(phrase.split()) == 1:
                    word = phrase.casefold()
                    self._phrases[word] = self._phrases.get(word, ()) + longer
            stems = frozenset(stem for phrase in group for stem in analyse(phrase))
            for stem in stems:
                self._related[stem] = self._related.get(stem, frozenset()) | stems

    @classmethod
    def load(cls, path: Path = SYNONYMS_FILE) -> Synonyms:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls([[str(word) for word in group] for group in raw.get("groups") or []])

    def any_in(self, term: str, words: frozenset[str]) -> bool:
        """Whether the (stemmed) term or one of its synonyms is among the words."""
        return term in words or not self._related.get(term, frozenset()).isdisjoint(words)

    def known(self, term: str, knows: Callable[[str], bool]) -> bool:
        """Whether the documents use the (stemmed) term or one of its synonyms: a resident's word for something the
        documents name otherwise ("pensioners" for older people) is no sign of a question about something else."""
        return knows(term) or any(knows(other) for other in self._related.get(term, frozenset()))

    def acronyms_spelled_out(self, text: str) -> str:
        """The text with the longer names added of the acronyms it uses ("I would ban it FRT" -> "... (facial
        recognition; ...)"), for embedding a document's text: the dense model does not know a writer's acronym."""
        acronyms = [w for w in _ACRONYM.findall(text) if w.casefold() in self._phrases]
        extra = [p for w in dict.fromkeys(acronyms) for p in self._phrases[w.casefold()]]
        return f"{text} ({'; '.join(dict.fromkeys(extra))})" if extra else text

    def spelled_out(self, text: str, used: Callable[[str], bool]) -> str:
        """The text with the longer names added of its words that the documents never use as written ("specials" ->
        "special constable"), for the dense model, which does not know a resident's short word for what the
        documents spell out."""
        words = [w.strip("?!.,;:'\"") for w in text.casefold().split()]
        extra = [p for w in words if not used(w) for p in self._phrases.get(w, ())]
        return f"{text} ({'; '.join(dict.fromkeys(extra))})" if extra else text
