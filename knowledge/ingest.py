"""Turning a file an official hands us (text, Markdown, HTML or PDF) into clean text."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import trafilatura
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from knowledge.corpus import CorpusError, normalise_text

TEXT_SUFFIXES = {".txt", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED = sorted(TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES)


def extract_text(path: Path) -> str:
    """The readable text of a file, or a CorpusError saying why there is none."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise CorpusError(
            f"{path.name}: unsupported file type '{suffix or 'none'}' (supported: {', '.join(SUPPORTED)})"
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CorpusError(f"cannot read {path}: {error.strerror or error}") from None
    if suffix in PDF_SUFFIXES:
        text = _pdf_text(path)
    elif suffix in HTML_SUFFIXES:
        text = _html_text(_decode(path, data))
    else:
        text = _decode(path, data)
    text = _clean(text)
    if len(text.split()) < 3:
        raise CorpusError(f"{path.name}: no readable text found")
    return text


def _decode(path: Path, data: bytes) -> str:
    if b"\x00" in data:
        raise CorpusError(f"{path.name}: this looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CorpusError(f"{path.name}: the text is not UTF-8; save it as UTF-8 and try again") from None


def _html_text(html: str) -> str:
    # trafilatura drops navigation, comments, adverts and related-article lists; Markdown keeps headings and lists.
    text = trafilatura.extract(
        html, output_format="markdown", include_comments=False, include_tables=True, favor_precision=True
    )
    return text or ""


def _pdf_text(path: Path) -> str:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise CorpusError(f"{path.name}: the PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise CorpusError(f"{path.name}: not a readable PDF ({error})") from None
    # A hyphen at a line end inside a word is the PDF's line break, not the author's.
    return "\n\n".join(re.sub(r"(\w)-\n(\w)", r"\1\2", page) for page in pages)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    # Control characters other than newlines and tabs are never part of a document's words.
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return normalise_text(text.replace("\t", " "))
