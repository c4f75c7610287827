"""Dense retrieval with FAISS: exact inner product for small corpora, HNSW above a size threshold."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from index.embedding import Vectors

HNSW_NEIGHBOURS = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 64


def build_dense(vectors: Vectors, hnsw_threshold: int) -> faiss.Index:
    """An index over the rows of vectors, with row numbers as ids."""
    dimension = vectors.shape[1]
    inner: faiss.Index
    if len(vectors) >= hnsw_threshold:
        graph = faiss.IndexHNSWFlat(dimension, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        graph.hnsw.efSearch = HNSW_EF_SEARCH
        inner = graph
    else:
        inner = faiss.IndexFlatIP(dimension)
    index = faiss.IndexIDMap2(inner)
    index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.arange(len(vectors), dtype=np.int64))
    return index


def index_type(index: faiss.Index) -> str:
    return "hnsw" if isinstance(_inner(index), faiss.IndexHNSWFlat) else "flat"


def _inner(index: faiss.Index) -> faiss.Index:
    """The index an id map wraps (read back from disk as a plain Index, hence the downcast)."""
    mapped = faiss.downcast_index(index)
    return faiss.downcast_index(mapped.index) if isinstance(mapped, faiss.IndexIDMap2) else mapped


def save_dense(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load_dense(path: Path) -> faiss.Index:
    index = faiss.read_index(str(path))
    inner = _inner(index)
    if isinstance(inner, faiss.IndexHNSWFlat):
        inner.hnsw.efSearch = HNSW_EF_SEARCH
    return index


def search_dense(index: faiss.Index, query: Vectors, k: int) -> tuple[list[int], list[float]]:
    """The k nearest rows and their cosine similarities, best first."""
    k = min(k, index.ntotal)
    if k <= 0:
        return [], []
    scores, ids = index.search(query.reshape(1, -1).astype(np.float32), k)
    pairs = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
    return [i for i, _ in pairs], [s for _, s in pairs]
