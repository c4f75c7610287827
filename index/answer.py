"""The one answer pipeline: triage first, then retrieval, abstention, verbatim quotes and balanced attribution."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from index.chunking import Span, section_at
from index.config import AnswerPolicy, IndexConfig
from index.embedding import Embedder, Vectors
from index.lexical import analyse
from index.retriever import Hit, Retriever
from index.store import open_index
from index.triage import Triage, triage
from knowledge.corpus import load_topics
from knowledge.documents import DocumentMeta, Kind

MAX_QUESTION_CHARS = 1000
SEARCH_DEPTH = 20
CHUNKS_PER_SOURCE = 3
SHORT_QUOTE_WORDS = 8
# How a sentence is chosen as a source's quote (tuned on the dev split; differences between settings were small):
# its own cosine, its passage's cosine, the share of the question's topic words it contains, a penalty if very short.
SENTENCE_WEIGHT, PASSAGE_WEIGHT, OVERLAP_WEIGHT, SHORT_PENALTY = 0.7, 0.3, 0.5, 0.1

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


class Answer(BaseModel):
    kind: AnswerKind
    text: str
    citations: list[Citation] = []


@dataclass(frozen=True)
class Relevance:
    """Why the pipeline answered or abstained: the signals abstention is calibrated on."""

    score: float  # best cosine among the top passages
    coverage: float  # best share of the question's topic words found in a top passage
    answerable: bool


@dataclass(frozen=True)
class _Quote:
    doc_id: str
    span: Span
    score: float


def open_pipeline(config: IndexConfig, embedder: Embedder | None = None) -> AnswerPipeline:
    """Load the model once, open (building if needed) the index, and return the ready pipeline."""
    embedder = embedder or Embedder(config.model_name)
    data = open_index(config, embedder)
    retriever = Retriever(data, embedder, config.fusion, config.dense_weight, config.candidates)
    return AnswerPipeline(retriever, config.policy, load_topics(config.corpus_dir))


class AnswerPipeline:
    def __init__(self, retriever: Retriever, policy: AnswerPolicy, topics: list[str] | None = None) -> None:
        self.retriever = retriever
        self.policy = policy
        self.topics = topics or []

    def answer(self, question: str) -> Answer:
        question = " ".join(question.split())[:MAX_QUESTION_CHARS]
        if len(analyse(question)) == 0 and not question.strip("?!. "):
            return Answer(kind="abstain", text="Please type a question, for example: " + self._examples())
        rule = triage(question)
        if rule is Triage.EMERGENCY:
            return Answer(kind="emergency", text=emergency_text())
        if rule is Triage.CRIME_REPORT:
            return Answer(kind="crime_report", text=crime_report_text(self.policy.report_online_url))
        if rule is Triage.VOTE_ADVICE:
            return Answer(kind="refuse", text=refuse_text(self._examples()))
        vector = self.retriever.encode(question)
        hits = self.retriever.search(question, SEARCH_DEPTH, vector=vector)
        relevance = self.relevance(question, hits)
        if not relevance.answerable:
            return Answer(kind="abstain", text=self._abstain_text())
        quotes = self._quotes(question, vector, hits)
        if not quotes:  # relevant passages but no sentence that supports a quote: never answer without one
            return Answer(kind="abstain", text=self._abstain_text())
        return self._quoted_answer(quotes)

    def _quoted_answer(self, quotes: list[_Quote]) -> Answer:
        """The reply; in the pre-election period candidates' manifestos give way to a neutral pointer."""
        pointer = ""
        if self._in_election_period():
            kept = [q for q in quotes if self.retriever.data.documents[q.doc_id].meta.kind != Kind.MANIFESTO]
            if not kept:
                return Answer(kind="refuse", text=self.policy.election_pointer)
            if len(kept) < len(quotes):
                quotes, pointer = kept, "\n" + self.policy.election_pointer
        citations = self._citations(quotes)
        return Answer(kind="answer", text=_compose(citations, self.retriever) + pointer, citations=citations)

    def _in_election_period(self, today: dt.date | None = None) -> bool:
        period = self.policy.election_period
        return period is not None and period[0] <= (today or dt.date.today()) <= period[1]

    def relevance(self, question: str, hits: list[Hit]) -> Relevance:
        """Combine how close the best passages are in meaning with how many of the question's topic words they contain:
        meaning alone cannot tell a covered topic from a neighbouring one the corpus never mentions."""
        score = max((h.dense for h in hits[:5]), default=0.0)
        coverage = max((self.retriever.coverage(question, h.chunk_id) for h in hits[:3]), default=0.0)
        policy = self.policy
        answerable = policy.score_weight * score + coverage >= policy.min_relevance and coverage >= policy.min_coverage
        return Relevance(score, coverage, answerable)

    def _quotes(self, question: str, vector: Vectors, hits: list[Hit]) -> list[_Quote]:
        """The best sentence of every source that speaks to the question, not only of the top source."""
        chunks_by_doc: dict[str, list[int]] = {}
        for hit in hits:
            doc_chunks = chunks_by_doc.setdefault(self.retriever.data.chunks[hit.chunk_id].doc_id, [])
            if len(doc_chunks) < CHUNKS_PER_SOURCE:
                doc_chunks.append(hit.chunk_id)
        best = [self._best_sentence(question, vector, chunk_ids) for chunk_ids in chunks_by_doc.values()]
        top = max(q.score for q in best)
        floor = max(self.policy.min_quote_score, top - self.policy.source_margin)
        chosen = sorted((q for q in best if q.score >= floor), key=lambda q: -q.score)
        return chosen[: self.policy.max_sources]

    def _best_sentence(self, question: str, vector: Vectors, chunk_ids: list[int]) -> _Quote:
        terms = set(analyse(question))
        data = self.retriever.data
        best: tuple[float, int, int] | None = None
        for chunk_id in chunk_ids:
            chunk = data.chunks[chunk_id]
            text = data.documents[chunk.doc_id].text
            chunk_score = float(data.chunk_vectors[chunk_id] @ vector)
            for position, score in enumerate(self.retriever.sentence_scores(vector, chunk_id)):
                span = chunk.sentences[position]
                words = set(analyse(text[span.start : span.end]))
                overlap = len(terms & words) / len(terms) if terms else 0.0
                length = len(text[span.start : span.end].split())
                combined = SENTENCE_WEIGHT * score + PASSAGE_WEIGHT * chunk_score + OVERLAP_WEIGHT * overlap
                combined -= SHORT_PENALTY * max(0, SHORT_QUOTE_WORDS - length) / SHORT_QUOTE_WORDS
                if best is None or combined > best[0]:
                    best = (combined, chunk_id, position)
        assert best is not None
        combined, chunk_id, position = best
        chunk = data.chunks[chunk_id]
        span = _quote_span(data.documents[chunk.doc_id].text, chunk.sentences, position, self.policy.max_quote_words)
        return _Quote(chunk.doc_id, span, combined)

    def _citations(self, quotes: list[_Quote]) -> list[Citation]:
        documents = self.retriever.data.documents
        # A neutral, fixed order: alphabetical by speaker, never by which source the ranking liked best.
        ordered = sorted(quotes, key=lambda q: (_sort_name(documents[q.doc_id].meta), q.doc_id, q.span.start))
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

    def _abstain_text(self) -> str:
        return (
            "I couldn't find anything about that in the documents I can quote, so I won't guess. "
            "I can answer questions about what the candidates, the police and crime plan and the news in this "
            f"consultation say, for example: {self._examples()}"
        )

    def _examples(self) -> str:
        topics = self.topics[:5] or ["policing priorities"]
        return "; ".join(f"“What do the sources say about {topic}?”" for topic in topics)


def _quote_span(text: str, sentences: tuple[Span, ...], position: int, max_words: int) -> Span:
    """The chosen sentence, joined by the next one when very short, cut at a word boundary when very long."""
    span = sentences[position]
    following = sentences[position + 1] if position + 1 < len(sentences) else None
    if (
        len(text[span.start : span.end].split()) < SHORT_QUOTE_WORDS
        and following
        and "\n" not in text[span.end : following.start]
    ):
        span = Span(span.start, following.end)
    words = text[span.start : span.end].split()
    if len(words) <= max_words:
        return span
    end = span.start
    for word in words[:max_words]:
        end = text.index(word, end) + len(word)
    return Span(span.start, end)


def _sort_name(meta: DocumentMeta) -> str:
    return (meta.speaker or meta.publisher or meta.title).casefold()


def _compose(citations: list[Citation], retriever: Retriever) -> str:
    # One paragraph (no blank lines): Rasa's REST channel would split the reply into several messages at each one.
    lines = ["Here is what the sources say, quoted word for word (sources in alphabetical order):"]
    for citation in citations:
        meta = retriever.data.documents[citation.doc_id].meta
        ellipsis = (
            "…"
            if not _ends_sentence(citation.quote)
            and citation.end < len(retriever.data.documents[citation.doc_id].text.rstrip())
            else ""
        )
        lines.append(f"[{citation.n}] {attribution(meta)}:")
        lines.append(f"“{citation.quote}”{ellipsis}")
    lines.append("These are the sources' own words; I don't take sides or recommend any candidate.")
    return "\n".join(lines)


def attribution(meta: DocumentMeta) -> str:
    """Who said it, where and when, e.g. `Jane Doe (candidate for Mayor), “Title”, 2025`."""
    who = meta.speaker or meta.publisher or "Unknown author"
    if meta.speaker_role and meta.speaker_role != "news report":
        who += f" ({meta.speaker_role})"
    title = meta.title if len(meta.title) <= 70 else meta.title[:67].rsplit(" ", 1)[0] + "…"
    where = f"“{title}”"
    if meta.publisher and (meta.speaker or "") not in meta.publisher:
        where += f", {meta.publisher}"
    return f"{who}, {where}, {meta.published or 'undated'}"


def _ends_sentence(quote: str) -> bool:
    return quote.rstrip("”’\"')").endswith((".", "!", "?", ":", ";"))


def emergency_text() -> str:
    return (
        "If you or someone else is in danger right now, call 999 now. "
        "If you can't speak, call 999 from a mobile and press 55 when asked; deaf or speech-impaired people can text "
        "999 once registered with emergencySMS, or use Relay UK (18000). "
        "I can't contact the police for you."
    )


def crime_report_text(online_url: str | None) -> str:
    where = f"online at {online_url}" if online_url else "online on your police force's website"
    return (
        f"To report a crime that isn't an emergency, call 101 or report it {where}. "
        "If anyone is in danger or the crime is happening now, call 999. "
        "I can't take crime reports or pass messages to the police."
    )


def refuse_text(examples: str) -> str:
    return (
        "I can't tell you who to vote for or judge the candidates: I'm neutral. "
        "I can show you what each candidate, the police and crime plan and the news say about a topic, in their own "
        f"words. For example: {examples}"
    )
