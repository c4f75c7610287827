"""Choosing each source's quote: the passage that answers the question, not the sentence sharing most words with it.

What is known of a passage (PassageFeatures): its meaning (its own vector, its best sentence's and its chunk's), the
question's topic words it holds (words of its section heading count for less), whether it carries the kind of answer
asked for (a number, a stated position, someone's own words), and its length (a few words say too little; a long
stretch buries the answer). Two weightings of it: the ranking, fitted on dev (quote_ranking.yaml), picks a source's
passage; the hand-set SCORE_WEIGHTS say how strongly it answers, on the scale the floors across sources and the
abstention model are set on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import yaml

from index.attribution import Attribution
from index.chunking import Span
from index.lexical import analyse
from index.passages import NUMBER, YEAR, Passage, Passages
from index.question import HONORIFICS, WORD, ParsedQuestion, Wanted
from index.retriever import Hit, Retriever

CHUNKS_PER_SOURCE = 5
HEADING_SHARE = 0.5  # a topic word found only in the section heading counts half
RUN_ON_BELOW = 30  # a best passage of one sentence shorter than this runs on into the next...
RUN_ON_UP_TO = 55  # ...when the two together are no longer than this
RUNNER_UP_MARGIN = 0.16  # a source's second passage is shown when it scores within this of its best
SHORT_WORDS, LONG_WORDS = 15, 55
RANKING_FILE = Path(__file__).with_name("quote_ranking.yaml")
STANCE = re.compile(
    r"\b(?:I|we)(?: would| will| shall|'d|'ll| am going to| must| should| want| plan| intend| pledge| propose|"
    r" support| oppose| believe| commit)\b|\b(?:ban|banned|banning|pledge|commit|commitment|will|would|must|should|"
    r"support|oppose|double|doubling|increase|reduce|invest|introduce|scrap|abolish|halve|end|ending|stop|"
    r"roll out|expand|cut|protect|tackle|crack down|against|opposed|in favour|unequivocally|vehemently|champion)\b",
    re.IGNORECASE,
)

# Someone's own words: a quotation opening, or a verb reporting speech.
SPEECH = re.compile(r"(?:^|[\s(:])['‘“\"][A-Z]|\b(?:said|says|told|tells|added|stated|warned)\b")
# A name: capitalised words in a row ("Judge Jane Doe", "Sir John Smith").
NAME = re.compile(r"\b[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+)+")
_TOKEN = re.compile(r"[\w'’-]+|[^\w\s]")


class PassageFeatures(NamedTuple):
    """What is known of a passage as the answer to a question (each weighted by SCORE_WEIGHTS and the ranking)."""

    passage_cosine: float  # the passage's meaning (a list's lead-in alone, so its items do not dilute it)
    sentence_cosine: float  # its closest sentence's
    chunk_cosine: float  # its chunk's
    overlap: float  # the weighted share of the question's topic words it holds
    number: float  # 1 when a number is asked for and it holds one
    stance: float  # 1 when a position is asked for (or sources compared) and it states one
    speech: float  # 1 when someone's words are asked for and it quotes speech
    length_cost: float  # 0 inside about 15-55 words, rising to 1 for a fragment or a 90-word stretch


# How strongly a passage answers, comparable across sources: the scale the quote floors and margins of AnswerPolicy,
# the runner-up margin and the abstention model read. Set by hand on the dev split.
SCORE_WEIGHTS = PassageFeatures(0.5, 0.3, 0.2, 0.4, 0.12, 0.06, 0.06, -0.08)


def weighted(features: PassageFeatures, weights: Sequence[float]) -> float:
    return float(sum(f * w for f, w in zip(features, weights, strict=True)))


def load_ranking(path: Path = RANKING_FILE) -> PassageFeatures:
    """Which of a source's passages holds the answer: weights fitted on the dev split (index/quote_fit.py); the
    hand-set SCORE_WEIGHTS until they are."""
    if not path.exists():
        return SCORE_WEIGHTS
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return PassageFeatures(*(float(raw["weights"][name]) for name in PassageFeatures._fields))


@dataclass(frozen=True)
class Quote:
    doc_id: str
    span: Span
    score: float  # how strongly it answers (SCORE_WEIGHTS), comparable across sources
    overlap: float = 0.0  # the weighted share of the question's topic words it holds (see QuoteChooser._overlap)
    rank: float = 0.0  # how likely it is the one of its source's passages that holds the answer (the ranking)


@dataclass(frozen=True)
class SourceQuotes:
    """A source's best passage, and its best other passage (not overlapping it) in case the answer is split in two."""

    best: Quote
    runner_up: Quote | None = None

    @property
    def doc_id(self) -> str:
        return self.best.doc_id

    @property
    def score(self) -> float:
        return self.best.score

    @property
    def overlap(self) -> float:
        return self.best.overlap

    def close_runner_up(self) -> Quote | None:
        """The runner-up when it scores almost as well as the best: two passages apart in one source (a figure and the
        sentence it explains, a pledge in a list and the text about it) are often the answer together."""
        if self.runner_up is not None and self.runner_up.score >= self.best.score - RUNNER_UP_MARGIN:
            return self.runner_up
        return None


def shown_quotes(sources: list[SourceQuotes], limit: int) -> list[Quote]:
    """Every source's best passage, then close runners-up (best sources first) while fewer than `limit` quotes."""
    quotes = [source.best for source in sources]
    for source in sources:
        runner_up = source.close_runner_up()
        if runner_up is not None and len(quotes) < limit:
            quotes.append(runner_up)
    return quotes


class QuoteChooser:
    def __init__(self, retriever: Retriever, passages: Passages, ranking: PassageFeatures | None = None) -> None:
        self.retriever = retriever
        self.passages = passages
        self.ranking = ranking or load_ranking()
        texts = [d.text for d in retriever.data.documents.values()]
        self._lowercase = frozenset(w for text in texts for w in WORD.findall(text) if w.islower())
        self._alone = _used_alone(texts)
        self._common = retriever.embedder.whole_words()
        self._speakers = {d.id: Attribution.of(d.text) for d in retriever.data.documents.values()}

    def best_per_source(self, question: ParsedQuestion, chunks: dict[str, list[int]]) -> list[SourceQuotes]:
        """The best passages of every source, looked for in its chunks (chunks_per_source), best source first."""
        quotes = [self._best_of(question, chunk_ids) for chunk_ids in chunks.values()]
        return sorted((q for q in quotes if q is not None), key=lambda q: -q.score)

    def chunks_per_source(self, hits: list[Hit]) -> dict[str, list[int]]:
        """Each source's first few chunks among the hits: where its quote is looked for."""
        chunks_by_doc: dict[str, list[int]] = {}
        for hit in hits:
            doc_chunks = chunks_by_doc.setdefault(self.retriever.data.chunks[hit.chunk_id].doc_id, [])
            if len(doc_chunks) < CHUNKS_PER_SOURCE:
                doc_chunks.append(hit.chunk_id)
        return chunks_by_doc

    def features(self, question: ParsedQuestion, chunk_ids: list[int]) -> list[tuple[Passage, PassageFeatures]]:
        """Every passage of the chunks that could answer the question, with what is known of it."""
        found: list[tuple[Passage, PassageFeatures]] = []
        weights = self.retriever.term_weights(question.topic_terms)
        for chunk_id in chunk_ids:
            chunk_cosine = float(self.retriever.data.chunk_vectors[chunk_id] @ question.vector)
            heading = set(analyse(self.retriever.data.chunks[chunk_id].section or ""))
            for passage in self.passages.of_chunk(chunk_id):
                if self._can_answer(question, passage):
                    found.append((passage, self._features(question, passage, chunk_cosine, weights, heading)))
        return found

    def _best_of(self, question: ParsedQuestion, chunk_ids: list[int]) -> SourceQuotes | None:
        """The source's passage most likely to hold the answer (the ranking), and its best other one apart from it."""
        found = self.features(question, chunk_ids)
        scored = [
            Quote(p.doc_id, p.span, weighted(f, SCORE_WEIGHTS), f.overlap, weighted(f, self.ranking)) for p, f in found
        ]
        if not scored:
            return None
        best = max(scored, key=lambda q: q.rank)
        best = _run_on(best, [p for p, _ in found])
        apart = [q for q in scored if q.span.end <= best.span.start or best.span.end <= q.span.start]
        return SourceQuotes(best, max(apart, key=lambda q: q.rank, default=None))

    def _can_answer(self, question: ParsedQuestion, passage: Passage) -> bool:
        """A passage that cannot answer whatever it shares with the question: one without the action a why/when-did
        question takes for granted, or without a name when the question asks who holds a role."""
        text = self.retriever.data.documents[passage.doc_id].text[passage.span.start : passage.span.end]
        if question.premise:
            words = frozenset(analyse(text))
            if not all(self.retriever.synonyms.any_in(stem, words) for stem in question.premise):
                return False
        return not question.identity or self._names_someone(question, text)

    def _names_someone(self, question: ParsedQuestion, text: str) -> bool:
        """A person's name: capitalised words neither the question's nor ever written in lower case (not the role the
        question gives, "Chief Constable"), after an honorific ("Sir John Smith") or ending in a surname: one the
        documents use alone ("Doe") or no common English word ("Okonkwo", where "Labour Party" ends in one)."""
        asked = set(analyse(question.corrected or question.text))  # stems: "Special Constables" shares "constable"
        for match in NAME.finditer(text):
            words = [w.casefold() for w in match.group().split()]
            if not asked.isdisjoint(analyse(match.group())) or not self._lowercase.isdisjoint(words):
                continue
            if words[0] in HONORIFICS or words[-1] in self._alone or words[-1] not in self._common:
                return True
        return False

    def _features(
        self,
        question: ParsedQuestion,
        passage: Passage,
        chunk_cosine: float,
        weights: dict[str, float],
        heading: set[str],
    ) -> PassageFeatures:
        data = self.retriever.data
        text = data.documents[passage.doc_id].text[passage.span.start : passage.span.end]
        rows = np.asarray(data.sentence_vectors[passage.rows.start : passage.rows.stop])
        sentence_cosines = rows @ question.vector
        mean = rows.sum(axis=0)
        passage_cosine = float(mean @ question.vector) / max(float(np.linalg.norm(mean)), 1e-6)
        if passage.is_list:  # the lead-in says what the list is about: its items should not dilute that
            passage_cosine = max(passage_cosine, float(sentence_cosines[0]))
        return PassageFeatures(
            passage_cosine=passage_cosine,
            sentence_cosine=float(sentence_cosines.max()),
            chunk_cosine=chunk_cosine,
            # Quoted words hold their speaker's name though the paragraph names them only earlier.
            overlap=self._overlap(weights, frozenset(analyse(f"{text} {self._speaker_of(passage)}")), heading),
            # A year is the number asked for only when the question asks when ("how old was she" is no year).
            number=float(
                question.wants is Wanted.NUMBER
                and NUMBER.search(text if question.asks_when else YEAR.sub("", text)) is not None
            ),
            # Comparing sources is comparing what each would do: their stated positions.
            stance=float((question.wants is Wanted.POSITION or question.compare) and STANCE.search(text) is not None),
            speech=float(question.wants is Wanted.WORDS and SPEECH.search(text) is not None),
            # A lead-in with a long list pays for its length like any passage: the item that answers is then quoted
            # alone (never the lead-in alone, which is not a passage).
            length_cost=_length_cost(passage.words),
        )

    def _speaker_of(self, passage: Passage) -> str:
        return self._speakers[passage.doc_id].speaker_at(passage.span.start)

    def _overlap(self, weights: dict[str, float], words: frozenset[str], heading: set[str]) -> float:
        """The weighted share of the question's topic words the passage holds, a listed synonym counting ("specials"
        for the Special Constabulary); words found only in the section heading count for less."""
        total = sum(weights.values())
        if not total:
            return 0.0
        synonyms = self.retriever.synonyms
        found = sum(
            w if synonyms.any_in(t, words) else HEADING_SHARE * w if t in heading else 0.0 for t, w in weights.items()
        )
        return found / total


def _run_on(best: Quote, passages: list[Passage]) -> Quote:
    """A short sentence with the one after it in its paragraph: a sentence that shares the question's words often only
    sets the scene ("She also covered van hire, after the attacks"), and the next says what was said or done."""
    alone = next((p for p in passages if p.span == best.span), None)
    if alone is None or len(alone.rows) != 1 or alone.is_list or alone.words >= RUN_ON_BELOW:
        return best
    pair = next(
        (
            p
            for p in passages
            if p.span.start == best.span.start and len(p.rows) == 2 and not p.is_list and p.words <= RUN_ON_UP_TO
        ),
        None,
    )
    return best if pair is None else Quote(best.doc_id, pair.span, best.score, best.overlap, best.rank)


def _length_cost(words: int) -> float:
    """0 inside the comfortable range, rising to 1 for a five-word fragment or a 90-word stretch."""
    if words < SHORT_WORDS:
        return (SHORT_WORDS - words) / (SHORT_WORDS - 5)
    if words > LONG_WORDS:
        return (words - LONG_WORDS) / (90 - LONG_WORDS)
    return 0.0


def _used_alone(texts: list[str]) -> frozenset[str]:
    """Capitalised words the documents also use on their own, between words that are not capitalised: surnames once
    introduced ("Doe"), unlike the last word of a body's name ("Party")."""
    alone: set[str] = set()
    for text in texts:
        tokens = _TOKEN.findall(text)
        for i, token in enumerate(tokens):
            before = tokens[i - 1] if i else ""
            after = tokens[i + 1] if i + 1 < len(tokens) else ""
            if token[:1].isupper() and token[1:].islower() and not before[:1].isupper() and not after[:1].isupper():
                alone.add(token.casefold())
    return frozenset(alone)
