"""Answer latency on the real corpus, index build throughput, and query latency on synthetic 10k / 100k corpora.

The synthetic chunks are made of real corpus sentences in random combinations; their vectors are the normalised mean
of those sentences' real vectors, so no 100k-text embedding run is needed while FAISS and BM25 see realistic data.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from bench.stats import summary, timed_ms
from index.answer import open_pipeline
from index.build import build_index
from index.chunking import Chunk, Span
from index.config import IndexConfig
from index.dense import build_dense
from index.embedding import Embedder
from index.evaluation import load_questions
from index.lexical import LexicalIndex
from index.loading import IndexData
from index.places import PlaceNames
from index.retriever import Retriever
from knowledge.corpus import default_corpus_dir
from knowledge.documents import Document, DocumentMeta, Kind

HNSW_THRESHOLD = 20_000


def run(workdir: Path, quick: bool = False) -> None:
    embedder = Embedder()
    config = IndexConfig(corpus_dir=default_corpus_dir(), index_dir=workdir / "index")
    report = build_index(config, embedder)
    print(
        f"index build (real corpus, cold cache): {report.chunks} chunks + {report.sentences} sentences, "
        f"{report.embedded} texts embedded, whole build {report.seconds:.1f} s = "
        f"{report.embedded / report.seconds:.1f} texts/s"
    )
    rebuilt = build_index(config, embedder, force=True)
    print(f"index rebuild (warm cache, nothing to embed): {rebuilt.seconds:.2f} s")
    pipeline = open_pipeline(config, embedder)
    questions = [q.question for q in load_questions()]
    for question in questions[:20]:  # warm-up: caches, allocator, torch kernels
        pipeline.answer(question)
    rounds = 1 if quick else 3
    print(summary("warm ask (in-process, all labelled questions)", timed_ms(pipeline.answer, questions * rounds)))
    answerable = [q.question for q in load_questions() if q.expect == "answer"]
    print(summary("  of which questions that get quotes", timed_ms(pipeline.answer, answerable * rounds)))
    print(summary("query encoding alone", timed_ms(embedder.encode_query, questions * rounds)))

    for size in (2_000, 10_000) if quick else (10_000, 100_000):
        measure_scale(pipeline.retriever.data, embedder, questions, size)


def measure_scale(real: IndexData, embedder: Embedder, questions: list[str], size: int) -> None:
    began = time.perf_counter()
    data = synthetic_index(real, size)
    kind = "hnsw" if size >= HNSW_THRESHOLD else "flat"
    print(f"synthetic {size} chunks ({kind}): built in {time.perf_counter() - began:.1f} s")
    retriever = Retriever(data, embedder)
    vectors = {q: embedder.encode_query(q) for q in questions}
    encoded = timed_ms(lambda q: retriever.search(q, 20), questions)
    print(summary(f"  hybrid search, {size} chunks, query encoding included", encoded))
    bare = timed_ms(lambda q: retriever.search(q, 20, vector=vectors[q]), questions)
    print(summary(f"  hybrid search, {size} chunks, without encoding", bare))


def synthetic_index(real: IndexData, size: int, seed: int = 7) -> IndexData:
    rng = np.random.default_rng(seed)
    sentences = [(c.doc_id, s) for c in real.chunks for s in c.sentences]
    sentence_vectors = np.asarray(real.sentence_vectors)
    documents: dict[str, Document] = {}
    chunks: list[Chunk] = []
    chunk_texts: list[str] = []
    vectors = np.zeros((size, sentence_vectors.shape[1]), dtype=np.float32)
    for number in range(size):
        picks = rng.choice(len(sentences), size=6, replace=False)
        text = " ".join(
            real.documents[sentences[i][0]].text[sentences[i][1].start : sentences[i][1].end] for i in picks
        )
        doc_id = f"synthetic-{number}"
        documents[doc_id] = Document(
            meta=DocumentMeta(id=doc_id, title=doc_id, kind=Kind.OTHER, file=f"{doc_id}.md"), text=text
        )
        chunks.append(Chunk(doc_id, None, 0, len(text), text, (Span(0, len(text)),)))
        chunk_texts.append(text)
        mean = sentence_vectors[picks].mean(axis=0)
        vectors[number] = mean / np.linalg.norm(mean)
    return IndexData(
        manifest={"index_type": "synthetic"},
        documents=documents,
        chunks=chunks,
        first_sentence=list(range(size)),
        chunk_vectors=vectors,
        sentence_vectors=vectors,
        dense=build_dense(vectors, HNSW_THRESHOLD),
        lexical=LexicalIndex.build(chunk_texts),
        places=PlaceNames(()),  # synthetic text: no places to tell apart
    )
