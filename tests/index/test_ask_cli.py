"""`consult ask` as a real process, as other tools will call it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.config import IndexConfig

CONSULT = str(Path(sys.executable).with_name("consult"))
FIELDS = {"n", "doc_id", "title", "speaker", "published", "section", "quote", "start", "end", "url", "score"}


def _run(index_config: IndexConfig, args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONSULT_DATA_DIR": str(index_config.index_dir.parent), "CONSULT_INDEX_AUTO_BUILD": "false"}
    return subprocess.run(
        [CONSULT, *args], input=stdin, capture_output=True, text=True, env=env, timeout=300, check=False
    )


@pytest.mark.slow
def test_ask_json_prints_exactly_one_object(index_config: IndexConfig) -> None:
    result = _run(index_config, ["ask", "What does the plan say about the 101 non-emergency line?", "--json"])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    answer = json.loads(lines[0])
    assert set(answer) == {"kind", "text", "citations"}
    assert answer["kind"] == "answer"
    assert all(set(c) == FIELDS for c in answer["citations"])
    assert "101 non-emergency call line" in " ".join(c["quote"] for c in answer["citations"])


@pytest.mark.slow
def test_ask_reads_one_question_per_line_and_prints_one_object_per_line(index_config: IndexConfig) -> None:
    questions = "who should I vote for\nsomeone is attacking my neighbour now\nwhat is Vision Zero?\n\n"
    result = _run(index_config, ["ask", "--json"], stdin=questions)
    assert result.returncode == 0, result.stderr
    kinds = [json.loads(line)["kind"] for line in result.stdout.splitlines()]
    assert kinds == ["refuse", "emergency", "answer", "abstain"]


@pytest.mark.slow
def test_a_missing_index_is_reported_when_auto_build_is_off(tmp_path: Path, index_config: IndexConfig) -> None:
    config = IndexConfig(corpus_dir=index_config.corpus_dir, index_dir=tmp_path / "index")
    result = _run(config, ["ask", "anything", "--json"])
    assert result.returncode == 2
    assert "the index is missing; run `consult index build`" in result.stderr
    assert result.stdout == ""
