"""Shared fixtures: the real corpus, the real embedding model (loaded once) and an index built once per session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.answer import AnswerPipeline, open_pipeline
from index.build import build_index
from index.config import IndexConfig
from index.embedding import Embedder
from knowledge.corpus import default_corpus_dir
from tests.processes import listening_socket
from tests.stack import Stack

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder()


@pytest.fixture(scope="session")
def index_config(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> IndexConfig:
    """The real corpus indexed once into a session data directory."""
    data_dir = tmp_path_factory.mktemp("data")
    config = IndexConfig(corpus_dir=default_corpus_dir(), index_dir=data_dir / "index")
    build_index(config, embedder)
    return config


@pytest.fixture(scope="session")
def pipeline(index_config: IndexConfig, embedder: Embedder) -> AnswerPipeline:
    return open_pipeline(index_config, embedder)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Iterator[Path]:
    """A writable copy of the real corpus, for tests that add documents."""
    target = tmp_path / "corpus"
    shutil.copytree(default_corpus_dir(), target)
    yield target


# A council's site on loopback that embeds the widget (tests/browser/test_embed.py): its port is an allowed origin of
# the session's stack, so it is held from now until that test serves the site on it.
EMBEDDING_SOCKET = listening_socket()
EMBEDDING_PORT = int(EMBEDDING_SOCKET.getsockname()[1])


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, index_config: IndexConfig) -> Iterator[Stack]:
    """The whole assistant (Rasa, action server, web application), trained and running, once per test session."""
    running = Stack(
        tmp_path_factory.mktemp("stack"),
        index_dir=index_config.index_dir,
        settings={"CONSULT_WIDGET_ORIGINS": f"http://127.0.0.1:{EMBEDDING_PORT}"},
    )
    running.prepare()
    running.start()
    yield running
    running.stop()


FIRE_SURVEY = REPO / "survey" / "definitions" / "fire-community-risk.yaml"


@pytest.fixture(scope="session")
def fire_stack(tmp_path_factory: pytest.TempPathFactory, index_config: IndexConfig) -> Iterator[Stack]:
    """The whole assistant running the second consultation (every question kind), from its YAML file alone."""
    running = Stack(
        tmp_path_factory.mktemp("fire-stack"),
        index_dir=index_config.index_dir,
        settings={"CONSULT_SURVEY_FILE": str(FIRE_SURVEY)},
    )
    running.prepare()
    running.start()
    yield running
    running.stop()
