"""Passages a quote may be: one to three adjacent sentences of a paragraph or list item, or a lead-in together with
the list items it introduces. Never a heading (headings are not sentences), a question or a fragment on its own.

Passages are built lazily per document from the index's sentences, and carry the rows of their sentences' vectors,
so scoring one against a question needs no new encoding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from index.chunking import ITEM_MARKER, Span
from index.loading import IndexData

MAX_SENTENCES = 3
MIN_WORDS = 5  # a shorter passage is a fragment ("Getting it right is not easy." still counts)
LABEL_WORDS = 9  # a line without a full stop needs this many words not to be a label
MAX_WORDS = 90
CUT_WORDS = 60  # where a single sentence longer than MAX_WORDS is cut
SHORT_PARAGRAPH_WORDS = 15  # a paragraph of one sentence this short is a lead into the next one
# A lettered or roman-numbered line ("b. Stalking involving fear of violence (Section 4A)") without a full stop, with no
# such line next to it, is a sub-heading, as in statutes and reports; lettered lines in a row are a list.
SUBHEADING_MARKER = re.compile(r"^(?:[a-zA-Z]|[ivxIVX]{1,4})[.)]\s+\S")
_NUMBER_WORDS = (
    r"two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|thousand|million|half|halve|double|doubling|per ?cent"
)
NUMBER = re.compile(rf"\d|\b(?:one|{_NUMBER_WORDS})\b", re.IGNORECASE)
# A figure given for something: as NUMBER, without the "one" of "one gigantic HQ".
FIGURE = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE)
# A year or a financial year says when, not how many ("Flack died in February 2020" gives no age).
YEAR = re.compile(r"\b(?:19|20)\d\d(?:[/-]\d\d)?\b")
# Words that say when: a date, a day or month, a season, a stretch of time or a point before or after another.
TIME = re.compile(
    rf"{YEAR.pattern}|\b(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|spring|summer|autumn|winter|christmas|"
    r"today|tonight|yesterday|tomorrow|ago|since|until|till|soon|later|earlier|recently|"
    r"(?:this|last|next|coming) (?:week|month|year|term)|"
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|several|many) "
    r"(?:weeks?|months?|years?|days?|decades?)|"
    r"daily|weekly|monthly|annual(?:ly)?|quarterly|deadline|by the end)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Passage:
    doc_id: str
    span: Span
    rows: range  # rows of its sentences in the index's sentence vectors
    chunk_id: int  # the chunk holding its first sentence
    words: int
    is_list: bool  # a lead-in with the items it introduces


@dataclass(frozen=True)
class _Sentence:
    span: Span
    row: int
    chunk_id: int
    block: int  # sentences of one paragraph or list item share a block number
    is_item: bool  # first sentence of a list item


class Passages:
    def __init__(self, data: IndexData) -> None:
        self.data = data
        self._by_doc = lru_cache(maxsize=1024)(self._build_document)

    def of_chunk(self, chunk_id: int) -> list[Passage]:
        """The passages that start in a chunk (a lead-in's list may run on into the next chunk)."""
        return [p for p in self._by_doc(self.data.chunks[chunk_id].doc_id) if p.chunk_id == chunk_id]

    def _build_document(self, doc_id: str) -> tuple[Passage, ...]:
        text = self.data.documents[doc_id].text
        sentences = _sentences(self.data, doc_id, text)
        passages: list[Passage] = []
        for first in range(len(sentences)):
            passages.extend(_windows(text, sentences, first, doc_id))
            if _is_lead_in(text, sentences, first):
                lead_in = _lead_in_with_items(text, sentences, first, doc_id)
                if lead_in is not None:
                    passages.append(lead_in)
        return tuple(passages)


def _sentences(data: IndexData, doc_id: str, text: str) -> list[_Sentence]:
    result: list[_Sentence] = []
    block = 0
    for chunk_id, chunk in enumerate(data.chunks):
        if chunk.doc_id != doc_id:
            continue
        for position, span in enumerate(chunk.sentences):
            if result and "\n" in text[result[-1].span.end : span.start]:
                block += 1
            line_start = text.rfind("\n", 0, span.start) + 1
            is_item = (not result or result[-1].block != block) and ITEM_MARKER.match(text[line_start:]) is not None
            result.append(_Sentence(span, data.first_sentence[chunk_id] + position, chunk_id, block, is_item))
    return result


def _windows(text: str, sentences: list[_Sentence], first: int, doc_id: str) -> list[Passage]:
    """One to three adjacent sentences of the same block, without a dangling lead-in. A question may open a passage
    when its answer follows ("What about X? Horrendous policy."), never end one; a lone short paragraph ("No, that is
    not the goal.") runs on into the next, which usually says what it means."""
    passages: list[Passage] = []
    for last in range(first, min(first + MAX_SENTENCES, len(sentences))):
        if last > first and not _continues(text, sentences, first, last):
            break
        if _is_question(text, sentences[last].span):
            if last == first:
                continue
            break
        span = Span(sentences[first].span.start, sentences[last].span.end)
        words = len(text[span.start : span.end].split())
        if words > MAX_WORDS and last > first:
            break
        if words > MAX_WORDS:  # one very long sentence: its first words, cut at a word boundary
            span, words = _first_words(text, span, CUT_WORDS), CUT_WORDS
        if _stands_alone(text[span.start : span.end], words) and not _in_subheading(text, span):
            passages.append(
                Passage(
                    doc_id,
                    span,
                    range(sentences[first].row, sentences[last].row + 1),
                    sentences[first].chunk_id,
                    words,
                    is_list=False,
                )
            )
    return passages


def _continues(text: str, sentences: list[_Sentence], first: int, last: int) -> bool:
    """Whether sentence `last` may join the passage opened at `first`: the same block, or the paragraph right after a
    first block that is one short sentence (neither of them a list item), with nothing but blank lines between them: a
    heading between two paragraphs starts another topic, which the quote must not run on into."""
    if sentences[last].block == sentences[first].block:
        return True
    previous = sentences[last - 1]
    return (
        last == first + 1
        and (first == 0 or sentences[first - 1].block != previous.block)
        and sentences[last].block == previous.block + 1
        and sentences[last].chunk_id == previous.chunk_id
        and not text[previous.span.end : sentences[last].span.start].strip()
        and not previous.is_item
        and not sentences[last].is_item
        and len(text[previous.span.start : previous.span.end].split()) < SHORT_PARAGRAPH_WORDS
    )


def _stands_alone(quote: str, words: int) -> bool:
    """Not a fragment: enough words, and a short line without a full stop is a heading-like label ("Finance")."""
    ended = quote.rstrip("”’\"') ").endswith((".", "!", ";"))
    return words >= (MIN_WORDS if ended else LABEL_WORDS) and not quote.rstrip().endswith(":")


def _in_subheading(text: str, span: Span) -> bool:
    line_start = text.rfind("\n", 0, span.start) + 1
    line_end = text.find("\n", span.start)
    line = text[line_start : len(text) if line_end == -1 else line_end].rstrip()
    if SUBHEADING_MARKER.match(line) is None or line.rstrip("”’\"') ").endswith((".", "!", "?", ";")):
        return False
    before = text[:line_start].rstrip().rsplit("\n", 1)[-1].strip()
    after = text[line_start + len(line) :].lstrip().split("\n", 1)[0].strip()
    return not any(SUBHEADING_MARKER.match(next_to) or ITEM_MARKER.match(next_to) for next_to in (before, after))


def _is_lead_in(text: str, sentences: list[_Sentence], index: int) -> bool:
    """The last sentence of a paragraph that a list follows (usually ending in a colon)."""
    following = index + 1
    return (
        following < len(sentences)
        and sentences[following].is_item
        and not sentences[index].is_item
        and sentences[following].block != sentences[index].block
    )


def _lead_in_with_items(text: str, sentences: list[_Sentence], index: int, doc_id: str) -> Passage | None:
    """The lead-in sentence and as many whole items of its list as fit in MAX_WORDS."""
    start = sentences[index].span.start
    last: _Sentence | None = None
    for item in _items_after(sentences, index):
        if len(text[start : item[-1].span.end].split()) > MAX_WORDS:
            break
        last = item[-1]
    if last is None:
        return None
    span = Span(start, last.span.end)
    return Passage(
        doc_id,
        span,
        range(sentences[index].row, last.row + 1),
        sentences[index].chunk_id,
        len(text[span.start : span.end].split()),
        is_list=True,
    )


def _items_after(sentences: list[_Sentence], index: int) -> list[list[_Sentence]]:
    """The list items (each its sentences) right after a lead-in, up to the first block that is not an item."""
    items: list[list[_Sentence]] = []
    for sentence in sentences[index + 1 :]:
        if sentence.is_item:
            items.append([sentence])
        elif items and sentence.block == items[-1][-1].block:
            items[-1].append(sentence)
        else:
            break
    return items


def _first_words(text: str, span: Span, count: int) -> Span:
    end = span.start
    for word in text[span.start : span.end].split()[:count]:
        end = text.index(word, end) + len(word)
    return Span(span.start, end)


def _is_question(text: str, span: Span) -> bool:
    return text[span.start : span.end].rstrip("”’\"') ").endswith("?")
