"""The survey commands as an official runs them, against a real SQLite database in a temporary data directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.survey.test_importer import GOOD, HEADER

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"CONSULT_DATA_DIR": str(tmp_path / "data"), "CONSULT_ENVIRONMENT": "test", "CONSULT_PEPPER": "q" * 40}


def _import(env: dict[str, str], tmp_path: Path, *rows: str) -> None:
    path = tmp_path / "paper.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    result = runner.invoke(app, ["survey", "import", str(path)], env=env)
    assert result.exit_code == 0, result.output


def test_import_results_and_forget(env: dict[str, str], tmp_path: Path) -> None:
    _import(env, tmp_path, *GOOD)
    results = json.loads(runner.invoke(app, ["results", "--json"], env=env).output)
    assert results["respondents"] == 3
    assert set(results) == {"respondents", "priorities", "facial_recognition"}
    assert set(results["priorities"][0]) == {"id", "label", "first_choice", "mentions", "share", "ci95", "borda"}
    by = json.loads(runner.invoke(app, ["results", "--by", "district", "--json"], env=env).output)["by"]
    assert by["harlow"] == {**by["harlow"], "respondents": None, "suppressed": True}
    table = runner.invoke(app, ["results"], env=env).output
    assert "Respondents: 3" in table and "Knife crime" in table
    exported = json.loads(runner.invoke(app, ["survey", "export-respondent", "paper", "P-1"], env=env).output)
    assert exported["comment"] == "More patrols please"
    assert runner.invoke(app, ["survey", "forget", "paper", "P-1"], env=env).output.strip() == "Erased."
    assert runner.invoke(app, ["survey", "forget", "paper", "P-1"], env=env).output.strip() == (
        "Nothing is stored for that resident."
    )
    assert json.loads(runner.invoke(app, ["results", "--json"], env=env).output)["respondents"] == 2


def test_an_invalid_import_exits_with_the_problems(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "paper.csv"
    path.write_text(HEADER + "\nP-1,paper,2026-03-01,harlow,25_34,knife_crime,road_safety,,,\n")
    result = runner.invoke(app, ["survey", "import", str(path)], env=env)
    assert result.exit_code == 2
    assert "row 2: priorities: choose exactly 3, not 2" in result.output
    assert "nothing was imported" in result.output


def test_results_refuses_an_unknown_breakdown(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["results", "--by", "postcode"], env=env)
    assert result.exit_code == 2 and "--by must be one of district, age_band" in result.output


def test_production_refuses_to_start_without_a_pepper(tmp_path: Path) -> None:
    env = {"CONSULT_DATA_DIR": str(tmp_path), "CONSULT_ENVIRONMENT": "production", "CONSULT_PEPPER": ""}
    result = runner.invoke(app, ["results"], env={k: v for k, v in env.items() if v})
    assert result.exit_code == 2
    assert "CONSULT_PEPPER is not set: it is required in production" in result.output
    short = runner.invoke(app, ["results"], env={**env, "CONSULT_PEPPER": "too-short"})
    assert short.exit_code == 2 and "at least 32 bytes" in short.output


def test_officials_add(env: dict[str, str]) -> None:
    created = runner.invoke(
        app, ["officials", "add", "j.smith", "--password-stdin"], input="correct horse battery\n", env=env
    )
    assert created.exit_code == 0 and "Created 'j.smith'" in created.output
    again = runner.invoke(
        app, ["officials", "add", "j.smith", "--password-stdin"], input="correct horse battery\n", env=env
    )
    assert again.exit_code == 2 and "already exists" in again.output
    weak = runner.invoke(app, ["officials", "add", "k.jones", "--password-stdin"], input="short\n", env=env)
    assert weak.exit_code == 2 and "at least 12 characters" in weak.output
