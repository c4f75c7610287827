"""The corpus on disk: a folder of clean texts and one reviewable manifest.yaml describing them."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from knowledge.documents import Document, DocumentMeta

MANIFEST = "manifest.yaml"
MANIFEST_HEADER = (
    "# The consultation's corpus: one entry per clean document in docs/.\n"
    '# Dates are only those the text itself states; "date_note" records what the text says when it states no date.\n'
    "# raw/ keeps the original captures so every curated sentence can be checked against its source.\n"
)


class CorpusError(ValueError):
    """A problem with the corpus or a document offered to it, explained for the person who can fix it."""


def default_corpus_dir() -> Path:
    return Path(__file__).parent / "corpus"


def load_corpus(corpus_dir: Path) -> list[Document]:
    """Read every document in the manifest, in manifest order."""
    return [Document(meta=meta, text=_read_text(corpus_dir, meta)) for meta in load_manifest(corpus_dir)]


def load_manifest(corpus_dir: Path) -> list[DocumentMeta]:
    path = corpus_dir / MANIFEST
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise CorpusError(f"no corpus manifest at {path}") from None
    except yaml.YAMLError as error:
        raise CorpusError(f"{path} is not valid YAML: {error}") from None
    entries = raw.get("documents") or []
    metas: list[DocumentMeta] = []
    for number, entry in enumerate(entries, start=1):
        try:
            metas.append(DocumentMeta.model_validate(entry))
        except ValidationError as error:
            raise CorpusError(f"{path}, document {number}: {_first_error(error)}") from None
    ids = [meta.id for meta in metas]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CorpusError(f"{path}: duplicate document ids {', '.join(duplicates)}")
    return metas


def load_topics(corpus_dir: Path) -> list[str]:
    """Topics the corpus covers, offered to residents as examples of what they can ask."""
    try:
        raw = yaml.safe_load((corpus_dir / MANIFEST).read_text(encoding="utf-8")) or {}
    except (FileNotFoundError, yaml.YAMLError):
        return []
    return [str(topic) for topic in raw.get("topics") or []]


def corpus_hash(documents: list[Document]) -> str:
    """A digest of every document's metadata and text: any edit changes it."""
    digest = hashlib.sha256()
    for document in documents:
        digest.update(document.meta.model_dump_json().encode())
        digest.update(hashlib.sha256(document.text.encode()).digest())
    return digest.hexdigest()


def add_document(corpus_dir: Path, meta: DocumentMeta, text: str) -> Document:
    """Write the text and its manifest entry; on any error nothing on disk changes."""
    text = normalise_text(text)
    if len(text.split()) < 3:
        raise CorpusError("the document has no readable text")
    metas = load_manifest(corpus_dir)
    if any(existing.id == meta.id for existing in metas):
        raise CorpusError(f"a document with id '{meta.id}' already exists; choose another with --id")
    for existing in load_corpus(corpus_dir):
        if existing.text == text:
            raise CorpusError(f"the same text is already in the corpus as '{existing.id}'")
    path = corpus_dir / meta.file
    if path.exists():
        raise CorpusError(f"{path} already exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, text)
    try:
        _write_manifest(corpus_dir, [*metas, meta])
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Document(meta=meta, text=text)


def normalise_text(text: str) -> str:
    """Unix line ends, no trailing spaces, at most one blank line in a row, one final newline."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip() + "\n"


def _read_text(corpus_dir: Path, meta: DocumentMeta) -> str:
    path = corpus_dir / meta.file
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CorpusError(f"the manifest lists {meta.file} for '{meta.id}' but the file is missing") from None


def _write_manifest(corpus_dir: Path, metas: list[DocumentMeta]) -> None:
    entries: list[dict[str, Any]] = [meta.model_dump(mode="json") for meta in metas]
    content: dict[str, Any] = {"topics": load_topics(corpus_dir), "documents": entries}
    body = yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=1000)
    _write_atomically(corpus_dir / MANIFEST, MANIFEST_HEADER + body)


def _write_atomically(path: Path, content: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(content)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}"
