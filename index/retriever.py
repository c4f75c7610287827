"""Hybrid retrieval over an opened index: dense and lexical candidates, fused, plus the signals abstention uses."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import faiss
import numpy as np

from index.dense import search_dense
from index.embedding import Embedder, Vectors
from index.fusion import Fusion, ranked, reciprocal_rank_fusion, weighted_blend
from index.lexical import top_rows
from index.loading import IndexData
from index.synonyms import Synonyms


class Mode(StrEnum):
    HYBRID = "hybrid"
    DENSE = "dense"
    BM25 = "bm25"


@dataclass(frozen=True)
class Hit:
    chunk_id: int
    score: float  # what the ranking used: fused, cosine or BM25 depending on the mode
    dense: float  # cosine similarity of query and chunk
    lexical: float  # BM25 score of the chunk for the query


class Retriever:
    def __init__(
        self,
        data: IndexData,
        embedder: Embedder,
        fusion: Fusion = Fusion.BLEND,
        dense_weight: float = 0.6,
        candidates: int = 50,
    ) -> None:
        self.data = data
        self.embedder = embedder
        self.fusion = fusion
        self.dense_weight = dense_weight
        self.candidates = candidates
        # One thread is faster for single queries on two cores (see the retrieval notes).
        faiss.omp_set_num_threads(1)
        self.synonyms = Synonyms.load()
        self._encode = lru_cache(maxsize=4)(self.embedder.encode_query)

    def encode(self, query: str) -> Vectors:
        """The query's vector; a message triaged and then answered is encoded once (the last few are kept)."""
        return self._encode(query)

    def search(self, query: str, k: int = 10, mode: Mode = Mode.HYBRID, vector: Vectors | None = None) -> list[Hit]:
        vector = self.encode(query) if vector is None and mode is not Mode.BM25 else vector
        dense_ids: list[int] = []
        if vector is not None:
            dense_ids, _ = search_dense(self.data.dense, vector, self.candidates)
        lexical_all = self.data.lexical.scores(query)
        lexical_ids, _ = top_rows(lexical_all, self.candidates)
        if mode is Mode.DENSE:
            candidates = dense_ids
        elif mode is Mode.BM25:
            candidates = lexical_ids
        else:
            candidates = list(dict.fromkeys(dense_ids + lexical_ids))
        cosines = self._cosines(vector, candidates)
        lexical = {i: float(lexical_all[i]) for i in candidates}
        if mode is Mode.DENSE:
            scores = cosines
        elif mode is Mode.BM25:
            scores = lexical
        elif self.fusion is Fusion.RRF:
            scores = reciprocal_rank_fusion([dense_ids, lexical_ids])
        else:
            scores = weighted_blend(cosines, {i: s for i, s in lexical.items() if s > 0}, self.dense_weight)
        return [Hit(i, s, cosines.get(i, 0.0), lexical[i]) for i, s in ranked(scores)[:k]]

    def term_weights(self, terms: tuple[str, ...]) -> dict[str, float]:
        """Inverse document frequency of each distinct term: a word the corpus never uses weighs most."""
        size = self.data.lexical.size
        return {t: math.log((size + 1) / (self.data.lexical.document_frequency(t) + 0.5)) for t in set(terms)}

    def sentence_scores(self, vector: Vectors, chunk_id: int) -> list[float]:
        """Cosine of the query with each sentence of a chunk."""
        first = self.data.first_sentence[chunk_id]
        rows = self.data.sentence_vectors[first : first + len(self.data.chunks[chunk_id].sentences)]
        return [float(s) for s in np.asarray(rows) @ vector]

    def _cosines(self, vector: Vectors | None, ids: list[int]) -> dict[int, float]:
        if vector is None or not ids:
            return {}
        rows = np.asarray(self.data.chunk_vectors[np.array(sorted(ids))])
        return dict(zip(sorted(ids), (float(s) for s in rows @ vector), strict=True))
