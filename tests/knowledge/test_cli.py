from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


@pytest.fixture
def env(corpus_copy: Path, tmp_path: Path) -> dict[str, str]:
    return {"CONSULT_CORPUS_DIR": str(corpus_copy), "CONSULT_DATA_DIR": str(tmp_path / "data")}


def test_add_then_list(env: dict[str, str], tmp_path: Path, corpus_copy: Path) -> None:
    source = tmp_path / "statement.txt"
    source.write_text("The candidate promises a police officer in every village and more youth centres.\n")
    result = runner.invoke(
        app,
        [
            "knowledge",
            "add",
            str(source),
            "--title",
            "Village officers",
            "--kind",
            "statement",
            "--speaker",
            "Alex Example",
            "--date",
            "2025-03",
            "--url",
            "https://example.org/s",
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert "Added 'village-officers'" in result.output
    listed = runner.invoke(app, ["knowledge", "list", "--json"], env=env)
    entries = [json.loads(line) for line in listed.output.splitlines()]
    assert entries[-1] | {"file": None} == {
        "id": "village-officers",
        "title": "Village officers",
        "kind": "statement",
        "speaker": "Alex Example",
        "speaker_role": None,
        "publisher": None,
        "published": "2025-03",
        "date_note": None,
        "url": "https://example.org/s",
        "file": None,
        "source": None,
    }
    assert (corpus_copy / "docs" / "village-officers.md").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--kind", "pamphlet"], "pamphlet"),
        (["--date", "last spring"], "--date"),
        (["--url", "javascript:alert(1)"], "--url"),
        (["--id", "miller-mayor-policing-blog"], "already exists"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    env: dict[str, str], tmp_path: Path, corpus_copy: Path, extra: list[str], message: str
) -> None:
    source = tmp_path / "statement.txt"
    source.write_text("Enough words to be a real statement about policing.\n")
    before = (corpus_copy / "manifest.yaml").read_text()
    args = ["knowledge", "add", str(source), "--title", "Test statement", "--kind", "news", "--speaker", "S", *extra]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 2
    assert message in result.output
    assert (corpus_copy / "manifest.yaml").read_text() == before
    assert sorted(p.name for p in (corpus_copy / "docs").iterdir()) == sorted(
        p.name for p in (Path(__file__).resolve().parents[2] / "knowledge" / "corpus" / "docs").iterdir()
    )


def test_an_unreadable_file_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["knowledge", "add", str(tmp_path / "missing.pdf"), "--title", "Missing", "--kind", "news", "--speaker", "S"],
        env=env,
    )
    assert result.exit_code == 2
    assert "cannot read" in result.output
