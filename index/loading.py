"""Opening a built index read-only, and deciding whether it is missing, stale or current."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from index.build import CURRENT, build_index, content_hash, read_manifest
from index.chunking import Chunk, Span
from index.config import IndexConfig
from index.dense import load_dense
from index.embedding import Embedder, Vectors
from index.lexical import LexicalIndex
from index.places import PlaceNames
from knowledge.corpus import load_corpus
from knowledge.documents import Document, DocumentMeta


class IndexState(StrEnum):
    MISSING = "missing"
    STALE = "stale"
    CURRENT = "current"


class IndexNotReadyError(RuntimeError):
    """The index is missing or stale and we were told not to build it."""


@dataclass(frozen=True)
class IndexData:
    manifest: dict[str, Any]
    documents: dict[str, Document]
    chunks: list[Chunk]
    first_sentence: list[int]  # row of each chunk's first sentence in sentence_vectors
    chunk_vectors: Vectors
    sentence_vectors: Vectors
    dense: faiss.Index
    lexical: LexicalIndex
    places: PlaceNames  # place names in any case, to tell a town the documents never mention


def index_state(config: IndexConfig) -> IndexState:
    manifest = read_manifest(config.index_dir)
    if manifest is None:
        return IndexState.MISSING
    current = content_hash(load_corpus(config.corpus_dir), config.model_name)
    return IndexState.CURRENT if manifest["content_hash"] == current else IndexState.STALE


def open_index(config: IndexConfig, embedder: Embedder | None = None) -> IndexData:
    """The current index, built first if it is missing or stale (unless config.auto_build is off)."""
    state = index_state(config)
    if state is not IndexState.CURRENT:
        if not config.auto_build:
            raise IndexNotReadyError(f"the index is {state}; run `consult index build`")
        build_index(config, embedder)
    return load_index(config.index_dir)


def load_documents(index_dir: Path) -> dict[str, Document]:
    """The documents exactly as the current index quotes them (no model needed)."""
    folder = (index_dir / CURRENT).resolve()
    return {
        entry["meta"]["id"]: Document(meta=DocumentMeta.model_validate(entry["meta"]), text=entry["text"])
        for entry in json.loads((folder / "documents.json").read_text())
    }


def load_index(index_dir: Path) -> IndexData:
    folder = (index_dir / CURRENT).resolve()
    manifest = json.loads((folder / "manifest.json").read_text())
    documents = load_documents(index_dir)
    chunks: list[Chunk] = []
    first_sentence: list[int] = []
    row = 0
    for record in json.loads((folder / "chunks.json").read_text()):
        text = documents[record["doc_id"]].text
        sentences = tuple(Span(start, end) for start, end in record["sentences"])
        chunks.append(
            Chunk(
                record["doc_id"],
                record["section"],
                record["start"],
                record["end"],
                text[record["start"] : record["end"]],
                sentences,
            )
        )
        first_sentence.append(row)
        row += len(sentences)
    return IndexData(
        manifest=manifest,
        documents=documents,
        chunks=chunks,
        first_sentence=first_sentence,
        chunk_vectors=np.load(folder / "chunk_vectors.npy", mmap_mode="r"),
        sentence_vectors=np.load(folder / "sentence_vectors.npy", mmap_mode="r"),
        dense=load_dense(folder / "dense.faiss"),
        lexical=LexicalIndex.load(folder / "bm25"),
        places=PlaceNames.load(folder),
    )
