"""Structure-aware chunking: headings start sections, paragraphs and list items are kept whole where they fit.

Every chunk and sentence records its character span in the clean text, so a quote is always text[start:end].
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import pysbd

from knowledge.documents import Document

MIN_WORDS = 60
MAX_WORDS = 180
HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
ITEM_MARKER = re.compile(r"^(?:[-*•]|\d{1,3}[.)])\s+")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Block:
    """A paragraph or list item (its marker left out of the span) and the headings it sits under."""

    start: int
    end: int
    headings: tuple[str, ...]


@dataclass(frozen=True)
class Chunk:
    doc_id: str
    section: str | None
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...]


@dataclass
class _Section:
    headings: tuple[str, ...]
    units: list[list[Span]]
    words: int


def parse_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    headings: list[tuple[int, str]] = []
    offset = 0
    previous_blank = True
    for line in text.splitlines(keepends=True):
        line_start, offset = offset, offset + len(line)
        content = line.rstrip("\n")
        if not content.strip():
            previous_blank = True
            continue
        heading = HEADING.match(content)
        if heading:
            level = len(heading.group(1))
            headings = [*(h for h in headings if h[0] < level), (level, heading.group(2))]
            previous_blank = True
            continue
        marker = ITEM_MARKER.match(content)
        start = line_start + (marker.end() if marker else len(content) - len(content.lstrip()))
        end = line_start + len(content.rstrip())
        path = tuple(title for _, title in headings)
        # A wrapped line (no blank line before it, no list marker) continues the previous paragraph.
        if blocks and not marker and not previous_blank and blocks[-1].headings == path:
            blocks[-1] = Block(blocks[-1].start, end, path)
        else:
            blocks.append(Block(start, end, path))
        previous_blank = False
    return blocks


def section_at(text: str, offset: int) -> str | None:
    """The heading path of the block containing (or preceding) a character offset."""
    found: tuple[str, ...] = ()
    for block in parse_blocks(text):
        if block.start > offset:
            break
        found = block.headings
    return " > ".join(found) or None


_SEGMENTER = pysbd.Segmenter(language="en", clean=False, char_span=True)


def split_sentences(text: str, start: int, end: int) -> list[Span]:
    """Sentence spans inside text[start:end], trimmed of surrounding white space."""
    spans: list[Span] = []
    for piece in _SEGMENTER.segment(text[start:end]):
        raw = text[start + piece.start : start + piece.end]
        left, right = len(raw) - len(raw.lstrip()), len(raw.rstrip())
        if right > left:
            spans.append(Span(start + piece.start + left, start + piece.start + right))
    return spans


def chunk_document(
    document: Document,
    context: str = "",
    count_tokens: Callable[[str], int] | None = None,
    max_tokens: int = 256,
) -> list[Chunk]:
    """Chunks of about MIN_WORDS-MAX_WORDS words that follow the document's headings.

    Small neighbouring sections under the same top heading share a chunk. With count_tokens, a chunk whose
    embedding text (context + section + text) exceeds max_tokens is split further.
    """
    text = document.text

    def fits(chunk: Chunk) -> bool:
        return count_tokens is None or count_tokens(embedding_text(chunk, context)) <= max_tokens

    chunks: list[Chunk] = []
    for section in _merge_small(_sections(text)):
        label = " > ".join(section.headings) or None
        for group in _pack(text, section.units, section.words):
            chunks.extend(_fit(document.id, label, text, group, fits))
    return chunks


def embedding_text(chunk: Chunk, context: str) -> str:
    """What the models see: a little context (who, which section) before the chunk's own words."""
    heading = f"{chunk.section}. " if chunk.section else ""
    return f"{context}{heading}{chunk.text}"


def _sections(text: str) -> list[_Section]:
    sections: list[_Section] = []
    for block in parse_blocks(text):
        sentences = split_sentences(text, block.start, block.end) or [Span(block.start, block.end)]
        words = _words(text, Span(block.start, block.end))
        units = _split_long(text, sentences, words) if words > MAX_WORDS else [sentences]
        if sections and sections[-1].headings == block.headings:
            sections[-1].units.extend(units)
            sections[-1].words += words
        else:
            sections.append(_Section(block.headings, units, words))
    return sections


def _merge_small(sections: list[_Section]) -> list[_Section]:
    merged: list[_Section] = []
    for section in sections:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.headings[:1] == section.headings[:1]
            and min(last.words, section.words) < MIN_WORDS
            and last.words + section.words <= MAX_WORDS
        ):
            common = _common_prefix(last.headings, section.headings)
            merged[-1] = _Section(common, last.units + section.units, last.words + section.words)
        else:
            merged.append(section)
    return merged


def _split_long(text: str, sentences: list[Span], total: int) -> list[list[Span]]:
    """A paragraph over MAX_WORDS becomes pieces of whole sentences of roughly equal length."""
    target = total / math.ceil(total / MAX_WORDS)
    pieces: list[list[Span]] = [[]]
    count = 0
    for sentence in sentences:
        words = _words(text, sentence)
        if pieces[-1] and count + words / 2 > target:
            pieces.append([])
            count = 0
        pieces[-1].append(sentence)
        count += words
    return pieces


def _pack(text: str, units: list[list[Span]], total: int) -> list[list[Span]]:
    """Whole units into chunks of balanced length, none over MAX_WORDS unless a single unit is.

    A small dynamic programme over the cut points: the cost of a chunk is its squared distance from the ideal length.
    """
    ideal = total / max(1, math.ceil(total / MAX_WORDS))
    sizes = [sum(_words(text, s) for s in unit) for unit in units]
    best: list[float] = [0.0] + [math.inf] * len(units)
    cut: list[int] = [0] * (len(units) + 1)
    for end in range(1, len(units) + 1):
        words = 0
        for start in range(end - 1, -1, -1):
            words += sizes[start]
            if words > MAX_WORDS and end - start > 1:
                break
            cost = best[start] + (words - ideal) ** 2
            if cost < best[end]:
                best[end], cut[end] = cost, start
    groups: list[list[Span]] = []
    end = len(units)
    while end > 0:
        groups.insert(0, [span for unit in units[cut[end] : end] for span in unit])
        end = cut[end]
    return groups


def _fit(
    doc_id: str, section: str | None, text: str, sentences: list[Span], fits: Callable[[Chunk], bool]
) -> list[Chunk]:
    """Halve a chunk (by sentences, or by words for one huge sentence) until each part fits the model's window."""
    start, end = sentences[0].start, sentences[-1].end
    chunk = Chunk(doc_id, section, start, end, text[start:end], tuple(sentences))
    if fits(chunk):
        return [chunk]
    if len(sentences) == 1:
        sentences = _halve_by_words(text, sentences[0])
        if len(sentences) == 1:
            return [chunk]
    middle = len(sentences) // 2
    return [
        *_fit(doc_id, section, text, sentences[:middle], fits),
        *_fit(doc_id, section, text, sentences[middle:], fits),
    ]


def _halve_by_words(text: str, span: Span) -> list[Span]:
    words = list(re.finditer(r"\S+", text[span.start : span.end]))
    if len(words) < 2:
        return [span]
    half = len(words) // 2
    return [Span(span.start, span.start + words[half - 1].end()), Span(span.start + words[half].start(), span.end)]


def _common_prefix(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    prefix: list[str] = []
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        prefix.append(left)
    return tuple(prefix)


def _words(text: str, span: Span) -> int:
    return len(text[span.start : span.end].split())
