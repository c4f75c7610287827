"""The one answer pipeline: triage first, then retrieval, abstention, verbatim quotes and balanced attribution."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel

from index.abstention import Abstention, Decision
from index.chunking import section_at
from index.config import AnswerPolicy, IndexConfig
from index.embedding import Embedder, Vectors
from index.lexical import analyse
from index.loading import open_index
from index.passages import Passages
from index.question import WORD, ParsedQuestion, SourceNames, parse_question
from index.question_exemplars import EXEMPLARS_FILE_NAME, QuestionExemplars
from index.quoting import CHUNKS_PER_SOURCE, Quote, QuoteChooser, SourceQuotes, shown_quotes
from index.replies import attribution, compose, crime_report_text, emergency_text, ends_sentence, refuse_text
from index.retriever import Hit, Retriever
from index.safety import EmergencySignal
from index.spelling import Corrector
from index.triage import (
    Triage,
    asked_in_general,
    asks_what_happened,
    declares_not_urgent,
    literal,
    reported_in_other_words,
    says_happening_now,
    told_after_a_turn,
    told_of_the_past,
    triage,
)
from knowledge.corpus import load_topics
from knowledge.documents import DocumentMeta, Kind

__all__ = [
    "Answer",
    "AnswerPipeline",
    "Citation",
    "Untriaged",
    "attribution",
    "crime_report_text",
    "emergency_text",
    "open_pipeline",
    "refuse_text",
]

MAX_QUESTION_CHARS = 1000
SEARCH_DEPTH = 40  # deep enough that a source whose passage sits in a long chunk on many topics is still seen

AnswerKind = Literal["answer", "abstain", "emergency", "crime_report", "refuse"]


class Citation(BaseModel):
    n: int
    doc_id: str
    title: str
    speaker: str | None
    published: str | None
    section: str | None
    quote: str
    start: int
    end: int
    url: str | None
    score: float


class Untriaged(Enum):
    """No triage yet: `AnswerPipeline.answer` triages the message itself."""

    UNTRIAGED = "untriaged"


class Answer(BaseModel):
    kind: AnswerKind
    text: str
    citations: list[Citation] = []


def open_pipeline(config: IndexConfig, embedder: Embedder | None = None) -> AnswerPipeline:
    """Load the model once, open (building if needed) the index, and return the ready pipeline."""
    embedder = embedder or Embedder(config.model_name)
    data = open_index(config, embedder)
    retriever = Retriever(data, embedder, config.fusion, config.dense_weight, config.candidates)
    return AnswerPipeline(
        retriever,
        config.policy,
        load_topics(config.corpus_dir),
        EmergencySignal.load(embedder),
        config.corpus_dir / EXEMPLARS_FILE_NAME,
    )


def normalise(message: str) -> str:
    return " ".join(message.split())[:MAX_QUESTION_CHARS]


class AnswerPipeline:
    def __init__(
        self,
        retriever: Retriever,
        policy: AnswerPolicy,
        topics: list[str] | None = None,
        emergencies: EmergencySignal | None = None,
        exemplars_file: Path | None = None,
    ) -> None:
        self.retriever = retriever
        self.policy = policy
        self.topics = topics or []
        self.emergencies = emergencies or EmergencySignal.load(retriever.embedder)
        self.names = SourceNames(retriever.data.documents.values())
        self.corrector = Corrector.towards_documents(_corpus_words(retriever), retriever.embedder.whole_words())
        self._written = frozenset(w.casefold() for d in retriever.data.documents.values() for w in WORD.findall(d.text))
        exemplars = QuestionExemplars.load(self.question_vectors, exemplars_file) if exemplars_file else None
        self.abstention = Abstention(retriever, exemplars=exemplars)
        self.quotes = QuoteChooser(retriever, Passages(retriever.data))
        self._terms_of: dict[str, frozenset[str]] | None = None  # each document's terms, read on the first claim
        self._kind_of = {d.id: d.meta.kind for d in retriever.data.documents.values()}
        self._chunk_ids: dict[str, list[int]] = {d: [] for d in retriever.data.documents}  # each source's, in order
        for i, chunk in enumerate(retriever.data.chunks):
            self._chunk_ids[chunk.doc_id].append(i)

    def triage(self, message: str) -> Triage | None:
        """The rules, and closeness to labelled emergencies as a second signal: 999 when either says so, the second
        needing to be surer against a rule that reads the message as a crime already done."""
        written = normalise(message)
        rule = triage(written)
        text = literal(written)  # what the second signal reads: no figures of speech
        # A writer who says it is not urgent, asks in general or asks what happened is believed: the rules alone decide.
        deferring = declares_not_urgent(text) or asked_in_general(text) or asks_what_happened(text)
        if rule is Triage.EMERGENCY or not text or deferring:
            return rule
        closeness = self.emergencies.closeness(self.retriever.encode(text), says_happening_now(text))
        if rule is Triage.CRIME_REPORT and not reported_in_other_words(text):
            return Triage.EMERGENCY if closeness.outweighs_report else rule
        return Triage.EMERGENCY if closeness.is_emergency or self._danger_after_a_turn(text) else rule

    def _danger_after_a_turn(self, text: str) -> bool:
        """What is told after the message's last turn ("... but actually there's a fight outside"), read alone."""
        tail = told_after_a_turn(text)
        if tail is None or asked_in_general(tail) or declares_not_urgent(tail) or told_of_the_past(tail):
            return False
        return self.emergencies.closeness(self.retriever.encode(tail), says_happening_now(tail)).is_emergency

    def answer(self, question: str, triaged: Triage | Untriaged | None = Untriaged.UNTRIAGED) -> Answer:
        """The reply to a question; `triaged` is its triage when the caller has done it (the action server triages
        every message before anything else), so that a message is triaged once."""
        text = normalise(question)
        if len(analyse(text)) == 0 and not text.strip("?!. "):
            return Answer(kind="abstain", text="Please type a question, for example: " + self._examples())
        rule = self.triage(text) if triaged is Untriaged.UNTRIAGED else triaged
        if rule is Triage.EMERGENCY:
            return Answer(kind="emergency", text=emergency_text())
        if rule is Triage.CRIME_REPORT:
            return Answer(kind="crime_report", text=crime_report_text(self.policy.report_online_url))
        if rule is Triage.VOTE_ADVICE:
            return Answer(kind="refuse", text=refuse_text(self._examples()))
        parsed, hits = self.retrieve(text)
        candidates = self._candidates(parsed, hits)
        if not self._decide(parsed, hits, candidates).answerable:
            return Answer(kind="abstain", text=self._abstain_text())
        quotes = self._quotes(parsed, candidates)
        if not quotes:  # relevant passages but none that supports a quote: never answer without one
            return Answer(kind="abstain", text=self._abstain_text())
        return self._quoted_answer(quotes, parsed.named)

    def retrieve(self, text: str) -> tuple[ParsedQuestion, list[Hit]]:
        """The question understood once (typos corrected for the lexical side), and the passages retrieved for it."""
        corrected = self.corrector.correct(text)
        vector = self.retriever.encode(self._as_embedded(corrected))
        parsed = parse_question(text, vector, self.names, corrected, self.retriever.data.lexical.knows)
        return parsed, self.retriever.search(parsed.corrected, SEARCH_DEPTH, vector=parsed.vector)

    def question_vectors(self, texts: Sequence[str]) -> Vectors:
        """Many labelled questions' vectors at once, their short words spelled out as `retrieve` does; not corrected,
        which would cost seconds at every start for the few typed with typos."""
        return self.retriever.embedder.encode([self._as_embedded(normalise(t)) for t in texts])

    def _as_embedded(self, corrected: str) -> str:
        """What the dense model reads of a corrected question: residents' short words spelled out as the documents
        write them."""
        return self.retriever.synonyms.spelled_out(corrected, self._written.__contains__)

    def relevance(self, question: ParsedQuestion, hits: list[Hit]) -> Decision:
        """Whether the documents answer the question: meaning alone cannot tell a covered topic from a neighbouring
        one the corpus never mentions, so closeness, topic words and what the question asks for are weighed together
        (index/abstention.py)."""
        return self._decide(question, hits, self._candidates(question, hits))

    def _decide(self, question: ParsedQuestion, hits: list[Hit], candidates: list[SourceQuotes]) -> Decision:
        """How well the best passage would answer as a quote is one of the signals: closeness alone cannot tell it."""
        documents = self.retriever.data.documents
        texts = {c.doc_id: documents[c.doc_id].text[c.best.span.start : c.best.span.end] for c in candidates}
        claimed: tuple[str, ...] = ()
        context: tuple[str, ...] = ()
        if question.claim:  # only a question taking a stance for granted needs the texts its premise is checked in
            about = [d for d in texts if d in (question.named or self._holding_rarest(question))]
            claimed = tuple(texts[d] for d in about)
            chunks = self.candidate_chunks(question, hits)
            context = tuple(self.retriever.data.chunks[c].text for d in about for c in chunks.get(d, []))
        # Asked what one source says (or to compare named ones), other sources' words are no answer: they would read
        # as that source's position, so its own passages are the ones judged.
        asked = self._named_on_topic(question, candidates) if question.named else candidates
        silent = bool(question.named) and not asked
        score, overlap = (asked[0].score, asked[0].overlap) if asked else (0.0, 0.0)
        passages = tuple(texts[c.doc_id] for c in asked)
        return self.abstention.decide(question, hits, score, overlap, passages, claimed, context, silent)

    def _holding_rarest(self, question: ParsedQuestion) -> frozenset[str]:
        """The documents holding the question's rarest topic word: whom a claim is about when no source is named ("why
        was <a person only one article names> cleared" is that article's claim, not one of every source's)."""
        stance = question.claim.stems if question.claim else frozenset()
        holders = [self._documents_with(t) for t in question.topic_terms if t not in stance]
        holders = [h for h in holders if h]
        return min(holders, key=len) if holders else frozenset(self.retriever.data.documents)

    def _documents_with(self, term: str) -> frozenset[str]:
        if self._terms_of is None:
            documents = self.retriever.data.documents.values()
            self._terms_of = {d.id: frozenset(analyse(f"{_manifest_names(d.meta)} {d.text}")) for d in documents}
        holds = self.retriever.synonyms.any_in
        return frozenset(d for d, terms in self._terms_of.items() if holds(term, terms))

    def _candidates(self, question: ParsedQuestion, hits: list[Hit]) -> list[SourceQuotes]:
        """The best passages of every source that speaks to the question, best first; the sources it names, and each
        source's chunk sharing most words with it, are looked at even when retrieval ranked them low."""
        return self.quotes.best_per_source(question, self.candidate_chunks(question, hits))

    def candidate_chunks(self, question: ParsedQuestion, hits: list[Hit]) -> dict[str, list[int]]:
        """Where each source's quote is looked for: its first few chunks among the candidate hits, and for a source the
        question names (for every source, when it asks to compare them), its chunks closest in meaning besides. A word
        of the question met in another sense ("live" in "live facial recognition") can rank a source's other chunks
        above the one that answers."""
        chunks = self.quotes.chunks_per_source(self.candidate_hits(question, hits))
        for doc_id in self.retriever.data.documents if question.compare else question.named:
            own = chunks.setdefault(doc_id, [])
            own.extend(c for c in self._chunks_of(doc_id, question) if c not in own)
        return chunks

    def candidate_hits(self, question: ParsedQuestion, hits: list[Hit]) -> list[Hit]:
        """The hits, then the named sources' closest chunks and each source's chunk sharing most words with it."""
        found = {hit.chunk_id for hit in hits}
        extra = [c for d in question.named for c in self._chunks_of(d, question)] + self._best_lexical_per_source(
            question
        )
        return hits + [Hit(c, 0.0, 0.0, 0.0) for c in extra if c not in found]

    def _quotes(self, question: ParsedQuestion, candidates: list[SourceQuotes]) -> list[Quote]:
        """The best passage of every source close enough to the best; the sources the question names always get
        theirs when on topic."""
        if not candidates:
            return []
        margin = self.policy.compare_margin if question.compare else self.policy.source_margin
        # Others are measured against the best source the question does not name, so a named source's strong match
        # does not crowd them out; asked to compare, against the best such source of their own kind, so that a news
        # story quoting the topic's very words does not crowd out a candidate who speaks to it in his own.
        peers = {q.doc_id: self._kind_of[q.doc_id] if question.compare else None for q in candidates}
        best: dict[Kind | None, float] = {}
        for quote in candidates:  # best first
            if quote.doc_id not in question.named:
                best.setdefault(peers[quote.doc_id], quote.score)

        named = self._named_on_topic(question, candidates)
        floor = {group: max(self.policy.min_quote_score, score - margin) for group, score in best.items()}
        others = [q for q in candidates if q.doc_id not in question.named and q.score >= floor[peers[q.doc_id]]]
        return shown_quotes((named + others)[: self.policy.max_sources], self.policy.max_sources)

    def _named_on_topic(self, question: ParsedQuestion, candidates: list[SourceQuotes]) -> list[SourceQuotes]:
        """The best passages of the sources the question names that speak to its topic. One holding the question's
        topic words is on topic even where the model misses a word ("specials"): its meaning score alone would hide
        what the resident asked that source about."""
        return [
            q
            for q in candidates
            if q.doc_id in question.named
            and (q.score >= self.policy.min_named_score or q.overlap >= self.policy.named_overlap)
        ]

    def _best_lexical_per_source(self, question: ParsedQuestion) -> list[int]:
        """Each source's chunk sharing most words with the question: a source that mentions the topic once, in a long
        chunk about many things, still gets a chance to be quoted."""
        scores = self.retriever.data.lexical.scores(question.text)
        best: dict[str, int] = {}
        for chunk_id in np.flatnonzero(scores > 0).tolist():
            doc_id = self.retriever.data.chunks[chunk_id].doc_id
            if doc_id not in best or scores[chunk_id] > scores[best[doc_id]]:
                best[doc_id] = chunk_id
        return list(best.values())

    def _chunks_of(self, doc_id: str, question: ParsedQuestion) -> list[int]:
        """A source's chunks closest to the question, when retrieval ranked none of them high enough."""
        ids = self._chunk_ids[doc_id]
        cosines = np.asarray(self.retriever.data.chunk_vectors[ids]) @ question.vector if ids else np.zeros(0)
        return [ids[i] for i in np.argsort(-cosines)[:CHUNKS_PER_SOURCE]]

    def _quoted_answer(self, quotes: list[Quote], named: frozenset[str]) -> Answer:
        """The reply; in the pre-election period candidates' manifestos give way to a neutral pointer."""
        pointer = ""
        if self._in_election_period():
            kept = [q for q in quotes if self.retriever.data.documents[q.doc_id].meta.kind != Kind.MANIFESTO]
            if not kept:
                return Answer(kind="refuse", text=self.policy.election_pointer)
            if len(kept) < len(quotes):
                quotes, pointer = kept, "\n" + self.policy.election_pointer
        citations = self._citations(quotes, named)
        documents = self.retriever.data.documents
        shown = [(c.n, documents[c.doc_id].meta, c.quote, self._cut_short(c)) for c in citations]
        first_named = sum(1 for c in citations if c.doc_id in named)
        return Answer(kind="answer", text=compose(shown, first_named) + pointer, citations=citations)

    def _in_election_period(self, today: dt.date | None = None) -> bool:
        period = self.policy.election_period
        return period is not None and period[0] <= (today or dt.date.today()) <= period[1]

    def _citations(self, quotes: list[Quote], named: frozenset[str]) -> list[Citation]:
        documents = self.retriever.data.documents
        # A neutral, fixed order: the named sources first, then the others; each group alphabetical by speaker; within a
        # source, the passage that answers best first.
        ordered = sorted(
            quotes, key=lambda q: (q.doc_id not in named, _sort_name(documents[q.doc_id].meta), q.doc_id, -q.rank)
        )
        citations: list[Citation] = []
        for number, quote in enumerate(ordered, start=1):
            document = documents[quote.doc_id]
            meta = document.meta
            citations.append(
                Citation(
                    n=number,
                    doc_id=meta.id,
                    title=meta.title,
                    speaker=meta.speaker,
                    published=meta.published,
                    section=section_at(document.text, quote.span.start),
                    quote=document.text[quote.span.start : quote.span.end],
                    start=quote.span.start,
                    end=quote.span.end,
                    url=meta.url,
                    score=round(quote.score, 4),
                )
            )
        return citations

    def _cut_short(self, citation: Citation) -> bool:
        text = self.retriever.data.documents[citation.doc_id].text
        return not ends_sentence(citation.quote) and citation.end < len(text.rstrip())

    def _abstain_text(self) -> str:
        return (
            "I couldn't find anything about that in the documents I can quote, so I won't guess. "
            "I can answer questions about what the candidates, the police and crime plan and the news in this "
            f"consultation say, for example: {self._examples()}"
        )

    def _examples(self) -> str:
        topics = self.topics[:5] or ["the main topics of these documents"]
        return "; ".join(f"“What do the sources say about {topic}?”" for topic in topics)


def _corpus_words(retriever: Retriever) -> list[str]:
    """The documents' text, the names in their manifest entries and the synonyms we know: the words a typo is corrected
    towards ("dubble" is "double", which synonyms.yaml pairs with the documents' "doubling")."""
    documents = retriever.data.documents.values()
    return (
        [d.text for d in documents]
        + [" ".join(filter(None, (d.meta.title, d.meta.speaker, d.meta.publisher))) for d in documents]
        + [" ".join(sorted(retriever.synonyms.words))]
    )


def _manifest_names(meta: DocumentMeta) -> str:
    return " ".join(filter(None, (meta.title, meta.speaker, meta.speaker_role, meta.publisher)))


def _sort_name(meta: DocumentMeta) -> str:
    return (meta.speaker or meta.publisher or meta.title).casefold()
