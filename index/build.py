"""Building the index on disk: chunks, cached embeddings, FAISS and BM25, and a manifest that says what it holds.

Each build is written to its own folder and published by swapping the `current` symlink, so readers never see a
half-written index and several processes can share one read-only.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from index.chunking import Chunk, chunk_document, embedding_text
from index.config import IndexConfig
from index.dense import build_dense, index_type, save_dense
from index.embedding import Embedder, Vectors, text_key
from index.lexical import LexicalIndex
from index.places import PlaceNames, gazetteer_names
from index.synonyms import SYNONYMS_FILE, Synonyms
from knowledge.corpus import corpus_hash, load_corpus
from knowledge.documents import Document, DocumentMeta

FORMAT_VERSION = 2  # 2: places.txt (index/places.py) beside the index
# 2: the title joined the context, more framing stop words; 3: more framing stop words; 4, 5: filler words
CHUNKING_VERSION = 13
CURRENT = "current"
KEEP_BUILDS = 2

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BuildReport:
    path: Path
    documents: int
    chunks: int
    sentences: int
    embedded: int
    reused: int
    seconds: float
    index_type: str
    rebuilt: bool


def content_hash(documents: list[Document], model_name: str) -> str:
    """Changes whenever the corpus, the model, the chunking or the synonyms change: the index is then stale."""
    synonyms = hashlib.sha256(SYNONYMS_FILE.read_bytes()).hexdigest()  # acronyms are spelled out from it
    key = f"{corpus_hash(documents)}|{model_name}|{CHUNKING_VERSION}|{FORMAT_VERSION}|{synonyms}"
    return hashlib.sha256(key.encode()).hexdigest()


def chunk_context(meta: DocumentMeta) -> str:
    """Who speaks and in which document, prepended to each chunk (with its section heading) before embedding and
    lexical indexing, so "what would <name> do about <topic>" finds the passages under a title that states it.
    Quotes never include it: they come from the text alone."""
    who = ", ".join(part for part in (meta.speaker, meta.speaker_role) if part)
    return "".join(f"{part}. " for part in (who, meta.title.rstrip(". ")) if part)


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    try:
        manifest: dict[str, Any] = json.loads((index_dir / CURRENT / "manifest.json").read_text())
    except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
        return None
    return manifest


def build_index(
    config: IndexConfig,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> BuildReport:
    """Build (or keep, when nothing changed and not force) the index for the corpus."""
    began = time.perf_counter()
    documents = load_corpus(config.corpus_dir)
    digest = content_hash(documents, config.model_name)
    manifest = read_manifest(config.index_dir)
    if manifest and manifest["content_hash"] == digest and not force:
        return BuildReport(
            config.index_dir / CURRENT,
            len(documents),
            manifest["chunks"],
            manifest["sentences"],
            0,
            0,
            time.perf_counter() - began,
            manifest["index_type"],
            rebuilt=False,
        )

    embedder = embedder or Embedder(config.model_name)
    chunks = [
        chunk
        for document in documents
        for chunk in chunk_document(document, chunk_context(document.meta), embedder.count_tokens, embedder.max_tokens)
    ]
    metas = {document.id: document.meta for document in documents}
    synonyms = Synonyms.load()
    chunk_texts = [
        synonyms.acronyms_spelled_out(embedding_text(chunk, chunk_context(metas[chunk.doc_id]))) for chunk in chunks
    ]
    texts = {document.id: document.text for document in documents}
    sentence_texts = [
        synonyms.acronyms_spelled_out(texts[c.doc_id][s.start : s.end]) for c in chunks for s in c.sentences
    ]

    cache = _EmbeddingCache(config.index_dir, embedder.name)
    vectors, embedded = cache.vectors_for(embedder, chunk_texts + sentence_texts, progress)
    chunk_vectors, sentence_vectors = vectors[: len(chunks)], vectors[len(chunks) :]

    folder = config.index_dir / "builds" / f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{digest[:8]}"
    folder.mkdir(parents=True)
    dense = build_dense(chunk_vectors, config.hnsw_threshold)
    save_dense(dense, folder / "dense.faiss")
    LexicalIndex.build(chunk_texts).save(folder / "bm25")
    PlaceNames(gazetteer_names()).save(folder)
    np.save(folder / "chunk_vectors.npy", chunk_vectors)
    np.save(folder / "sentence_vectors.npy", sentence_vectors)
    _write_json(
        folder / "documents.json", [{"meta": d.meta.model_dump(mode="json"), "text": d.text} for d in documents]
    )
    _write_json(folder / "chunks.json", [_chunk_record(c) for c in chunks])
    kind = index_type(dense)
    new_manifest = {
        "format": FORMAT_VERSION,
        "model": embedder.name,
        "dimension": embedder.dimension,
        "max_tokens": embedder.max_tokens,
        "content_hash": digest,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "documents": len(documents),
        "chunks": len(chunks),
        "sentences": len(sentence_texts),
        "index_type": kind,
    }
    _write_json(folder / "manifest.json", new_manifest)
    _publish(config.index_dir, folder)
    cache.save()
    return BuildReport(
        config.index_dir / CURRENT,
        len(documents),
        len(chunks),
        len(sentence_texts),
        embedded,
        cache.size - embedded,
        time.perf_counter() - began,
        kind,
        rebuilt=True,
    )


class _EmbeddingCache:
    """Vectors of texts already embedded under this model, so unchanged documents are not embedded again."""

    def __init__(self, index_dir: Path, model_name: str) -> None:
        self.path = index_dir / "cache" / f"{hashlib.sha256(model_name.encode()).hexdigest()[:16]}.npz"
        self.model_name = model_name
        self._known: dict[str, Vectors] = {}
        self._used: dict[str, Vectors] = {}
        if self.path.exists():
            with np.load(self.path) as data:
                self._known = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    def vectors_for(self, embedder: Embedder, texts: list[str], progress: Progress | None) -> tuple[Vectors, int]:
        keys = [text_key(self.model_name, t) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self._known}.items())
        done = 0

        def advance(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(done, len(missing))

        if progress:
            progress(0, len(missing))
        fresh = embedder.encode([t for _, t in missing], advance)
        self._known.update(zip((k for k, _ in missing), fresh, strict=True))
        self._used = {k: self._known[k] for k in keys}
        matrix = np.vstack([self._known[k] for k in keys]) if keys else np.zeros((0, embedder.dimension), np.float32)
        return matrix.astype(np.float32), len(missing)

    @property
    def size(self) -> int:
        return len(self._used)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp.npz")
        keys = np.array(list(self._used), dtype=str)
        vectors = np.vstack(list(self._used.values())) if self._used else np.zeros((0, 1), np.float32)
        np.savez(temporary, keys=keys, vectors=vectors)
        temporary.replace(self.path)


def _chunk_record(chunk: Chunk) -> dict[str, Any]:
    record = asdict(chunk)
    record.pop("text")
    record["sentences"] = [[s.start, s.end] for s in chunk.sentences]
    return record


def _write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False))


def _publish(index_dir: Path, folder: Path) -> None:
    link = index_dir / CURRENT
    temporary = index_dir / f".{CURRENT}.{folder.name}"
    temporary.symlink_to(folder.relative_to(index_dir))
    temporary.replace(link)  # rename over the old link: readers see the old build or the new one, never neither
    builds = sorted((index_dir / "builds").iterdir())
    for old in builds[:-KEEP_BUILDS]:
        shutil.rmtree(old, ignore_errors=True)
