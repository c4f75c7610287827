from __future__ import annotations

from collections.abc import Iterator

import pytest

from index.config import IndexConfig
from tests.stack import Stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, index_config: IndexConfig) -> Iterator[Stack]:
    """The whole assistant, trained and running, once per test session."""
    running = Stack(tmp_path_factory.mktemp("stack"), index_dir=index_config.index_dir)
    running.prepare()
    running.start()
    yield running
    running.stop()
