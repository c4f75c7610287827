"""The survey commands as an official runs them, against a real SQLite database in a temporary data directory."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.conversations import ConversationHistory
from bot.settings import Settings
from survey.pseudonyms import sender_id_of_resident
from survey.service import open_survey
from survey.store import Submission, submit_response
from tests.survey.conftest import FIRE, essex, write_rasa_history
from tests.survey.test_importer import FIRE_HEADER, GOOD, HEADER

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
    assert set(results) == {"survey", "respondents", "questions"}
    priorities = results["questions"]["priorities"]
    assert set(priorities) == {"kind", "answered", "options"}
    assert set(priorities["options"][0]) == {"id", "first_choice", "mentions", "share", "ci95", "borda"}
    by = json.loads(runner.invoke(app, ["results", "--by", "district", "--json"], env=env).output)["by"]
    assert by["question"] == "district"
    assert by["groups"]["harlow"] == {"respondents": None, "suppressed": True, "questions": None}
    table = runner.invoke(app, ["results"], env=env).output
    assert "3 respondents" in table and "Knife crime" in table
    exported = json.loads(runner.invoke(app, ["survey", "export-respondent", "paper", "P-1"], env=env).output)
    assert exported["responses"][0]["answers"]["comment"] == "More patrols please"
    erased = runner.invoke(app, ["survey", "forget", "paper", "P-1"], env=env).output.strip()
    assert erased == "Erased: the answers; 0 conversation event(s)."
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


def test_an_official_finds_and_erases_a_telegram_resident_by_their_telegram_id(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)
    survey = open_survey(settings.survey_config())
    sender = sender_id_of_resident(survey.pepper, "telegram", "123456789")  # what the relay gives Rasa
    answers = essex(survey)
    respondent = survey.pseudonym_of_sender("telegram", sender)
    submit_response(
        survey.db, Submission(respondent, "telegram", survey.definition, "v1", answers, submission_key="k1")
    )
    other = sender_id_of_resident(survey.pepper, "telegram", "987")
    write_rasa_history(
        settings.resolved_tracker_store_url(), [(sender, "user", time.time())] * 3 + [(other, "user", time.time())] * 2
    )
    conversations = ConversationHistory(settings.resolved_tracker_store_url())

    exported = json.loads(runner.invoke(app, ["survey", "export-respondent", "telegram", "123456789"], env=env).output)
    assert exported["responses"][0]["answers"]["district"] == "harlow"
    assert exported["responses"][0]["channel"] == "telegram"
    erased = runner.invoke(app, ["survey", "forget", "Telegram", " 123456789 "], env=env).output.strip()
    assert erased == "Erased: the answers; 3 conversation event(s)."
    assert (
        runner.invoke(app, ["survey", "export-respondent", "telegram", "123456789"], env=env).output.strip() == "null"
    )
    assert conversations.events_of(other) == 2  # someone else's history stays
    conversations.dispose()


def test_skip_invalid_imports_the_rest_and_a_second_run_changes_nothing(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "paper.csv"
    path.write_text("\n".join([HEADER, GOOD[0], "P-9,paper,2026-03-01,harlow,25_34,knife_crime,,,,", GOOD[1]]) + "\n")
    first = runner.invoke(
        app, ["survey", "import", "--skip-invalid", "--notice-version", "paper-2026", str(path)], env=env
    )
    assert first.exit_code == 0
    assert "row 3: priorities: choose exactly 3, not 1" in first.output
    assert "Imported 2 row(s); 0 already imported, 1 problem(s) skipped." in first.output
    again = runner.invoke(app, ["survey", "import", "--skip-invalid", str(path)], env=env)
    assert "Imported 0 row(s); 2 already imported, 1 problem(s) skipped." in again.output
    assert json.loads(runner.invoke(app, ["results", "--json"], env=env).output)["respondents"] == 2
    exported = json.loads(runner.invoke(app, ["survey", "export-respondent", "paper", "P-1"], env=env).output)
    assert exported["responses"][0]["privacy_notice_version"] == "paper-2026"  # the notice printed on the forms


def test_results_refuses_an_unknown_breakdown(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["results", "--by", "postcode"], env=env)
    assert result.exit_code == 2
    assert "cannot break down by 'postcode'; choose one of district, age_band, channel" in result.output


def test_the_second_consultation_from_its_file_and_last_years_results(env: dict[str, str], tmp_path: Path) -> None:
    _import(env, tmp_path, *GOOD)  # last year's consultation, in the same database
    fire = {**env, "CONSULT_SURVEY_FILE": str(FIRE)}
    path = tmp_path / "fire.csv"
    row = "F-{n},paper,2026-03-01,village,house,,smoke_alarm,flooding,wildfires,40,30,30,,very_safe,"
    path.write_text("\n".join([FIRE_HEADER, *(row.format(n=n) for n in range(16))]) + "\n")
    assert runner.invoke(app, ["survey", "import", str(path)], env=fire).exit_code == 0
    results = json.loads(runner.invoke(app, ["results", "--json", "--by", "area"], env=fire).output)
    assert results["survey"] == "fire-community-risk-2027" and results["respondents"] == 16
    assert results["by"]["groups"]["village"]["questions"]["budget"]["options"][0]["mean_points"] == 40.0
    table = runner.invoke(app, ["results"], env=fire).output
    assert "Fast response to emergencies" in table and "40.00" in table
    past = json.loads(
        runner.invoke(app, ["results", "--json", "--survey", "essex-policing-priorities"], env=fire).output
    )
    assert past["survey"] == "essex-policing-priorities" and past["respondents"] == 3
    unknown = runner.invoke(app, ["results", "--survey", "nope"], env=fire)
    assert unknown.exit_code == 2 and "has not served a consultation 'nope'" in unknown.output


def test_a_broken_survey_file_is_refused_at_start_naming_file_question_and_reason(
    env: dict[str, str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(FIRE.read_text().replace("max_choices: 4", "max_choices: 9"))
    result = runner.invoke(app, ["results"], env={**env, "CONSULT_SURVEY_FILE": str(broken)})
    assert result.exit_code == 2
    assert "broken.yaml" in result.output and "question 'alarms'" in result.output
    assert "max_choices 9 is more than the 6 options" in result.output


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
