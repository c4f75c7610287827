from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from index.build import build_index, read_manifest
from index.config import IndexConfig
from index.embedding import Embedder
from index.loading import IndexNotReadyError, IndexState, index_state, load_index, open_index
from index.retriever import Retriever
from knowledge.corpus import add_document
from knowledge.documents import DocumentMeta, Kind


@pytest.fixture
def fresh_config(tmp_path: Path, corpus_copy: Path, index_config: IndexConfig) -> IndexConfig:
    """A copy of the corpus with the session's embedding cache, so the first build embeds nothing new."""
    shutil.copytree(index_config.index_dir / "cache", tmp_path / "index" / "cache")
    return replace(index_config, corpus_dir=corpus_copy, index_dir=tmp_path / "index")


def test_the_manifest_says_what_the_index_holds(index_config: IndexConfig) -> None:
    manifest = read_manifest(index_config.index_dir)
    assert manifest is not None
    assert manifest["model"] == "all-MiniLM-L6-v2"
    assert manifest["dimension"] == 384
    assert manifest["documents"] == 7
    assert manifest["index_type"] == "flat"
    assert len(manifest["content_hash"]) == 64
    assert manifest["built_at"].endswith("+00:00")


def test_an_unchanged_corpus_is_not_rebuilt(index_config: IndexConfig, embedder: Embedder) -> None:
    report = build_index(index_config, embedder)
    assert not report.rebuilt
    assert index_state(index_config) is IndexState.CURRENT


def test_only_new_text_is_embedded_and_a_stale_index_is_detected(fresh_config: IndexConfig, embedder: Embedder) -> None:
    first = build_index(fresh_config, embedder)
    assert first.rebuilt and first.embedded == 0
    add_document(
        fresh_config.corpus_dir,
        DocumentMeta(
            id="new-pledge", title="New pledge", kind=Kind.STATEMENT, speaker="A Candidate", file="docs/new-pledge.md"
        ),
        "I will open a police desk in every library. Officers will hold surgeries every Saturday morning.",
    )
    assert index_state(fresh_config) is IndexState.STALE
    second = build_index(fresh_config, embedder)
    # One chunk and its two sentences are new; everything else comes from the cache.
    assert second.embedded == 3
    assert second.documents == 8
    assert index_state(fresh_config) is IndexState.CURRENT


def test_a_missing_index_is_built_at_start_or_reported(fresh_config: IndexConfig, embedder: Embedder) -> None:
    with pytest.raises(IndexNotReadyError, match="missing"):
        open_index(replace(fresh_config, auto_build=False), embedder)
    data = open_index(fresh_config, embedder)
    assert len(data.documents) == 7


def test_hnsw_is_chosen_above_the_threshold_and_finds_the_same_passages(
    fresh_config: IndexConfig, index_config: IndexConfig, embedder: Embedder
) -> None:
    build_index(replace(fresh_config, hnsw_threshold=10), embedder)
    hnsw = load_index(fresh_config.index_dir)
    assert hnsw.manifest["index_type"] == "hnsw"
    flat = Retriever(load_index(index_config.index_dir), embedder)
    graph = Retriever(hnsw, embedder)
    for question in ("facial recognition ban", "special constables in every village", "Vision Zero road deaths"):
        assert [h.chunk_id for h in graph.search(question, 3)] == [h.chunk_id for h in flat.search(question, 3)]
