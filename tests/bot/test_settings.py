from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr

from bot.settings import Settings, with_development_pepper
from survey.definition import default_definition_path, load_definition
from survey.pseudonyms import PepperError


def test_the_pre_election_period_comes_from_the_consultation_file(tmp_path: Path) -> None:
    data = yaml.safe_load(default_definition_path().read_text())
    data["election_period"] = {"start": "2027-04-01", "end": "2027-05-06", "pointer": "See the council's site."}
    path = tmp_path / "survey.yaml"
    path.write_text(yaml.safe_dump(data))
    policy = Settings(survey_file=path, data_dir=tmp_path).index_config(load_definition(path)).policy
    assert policy.election_period == (dt.date(2027, 4, 1), dt.date(2027, 5, 6))
    assert policy.election_pointer == "See the council's site."
    default = load_definition(default_definition_path())
    assert Settings(data_dir=tmp_path).index_config(default).policy.election_period is None


def test_production_needs_a_real_pepper(tmp_path: Path) -> None:
    with pytest.raises(PepperError, match="required in production"):
        Settings(environment="production", data_dir=tmp_path).survey_config()
    first = with_development_pepper(Settings(environment="development", data_dir=tmp_path)).resolved_pepper()
    assert len(first) == 64
    again = with_development_pepper(Settings(environment="development", data_dir=tmp_path))
    assert again.resolved_pepper() == first  # stable across restarts
    other = with_development_pepper(Settings(environment="development", data_dir=tmp_path / "other"))
    assert other.resolved_pepper() != first


def test_several_rasa_instances_get_consecutive_ports() -> None:
    settings = Settings(rasa_instances=3, rasa_port=6000)
    assert settings.rasa_urls == ["http://127.0.0.1:6000", "http://127.0.0.1:6001", "http://127.0.0.1:6002"]


def test_every_command_refuses_to_start_in_production_without_a_pepper(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    for args in (["serve"], ["actions"], ["up"], ["results"]):
        result = CliRunner().invoke(
            app, args, env={"CONSULT_ENVIRONMENT": "production", "CONSULT_DATA_DIR": str(tmp_path)}
        )
        assert result.exit_code == 2, args
        assert "CONSULT_PEPPER is not set" in result.output


def test_env_example_documents_every_setting_and_its_values_are_valid(tmp_path: Path) -> None:
    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    named = set(re.findall(r"^#? ?CONSULT_([A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert named == {name.upper() for name in Settings.model_fields}
    uncommented = dict(re.findall(r"^CONSULT_([A-Z0-9_]+)=(.*)$", example, flags=re.MULTILINE))
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"CONSULT_{k}={v}\n" for k, v in uncommented.items()))
    Settings(_env_file=env_file)  # the values given as examples are accepted as they stand


def test_a_command_builds_its_settings_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The callback builds the settings and every part of the command uses those (a .env file is read once)."""
    from typer.testing import CliRunner

    from bot.cli import app

    built: list[Settings] = []
    original = Settings.__init__

    def counted(self: Settings, **values: Any) -> None:
        original(self, **values)
        built.append(self)

    monkeypatch.setattr(Settings, "__init__", counted)
    env = {"CONSULT_ENVIRONMENT": "test", "CONSULT_DATA_DIR": str(tmp_path), "CONSULT_PEPPER": "p" * 40}
    result = CliRunner().invoke(app, ["results", "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert len(built) == 1


def test_building_settings_runs_nothing_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings are plain data: no Python 3.10 probed for, no pepper file written, no survey file read."""
    probed = tmp_path / "probed"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_python = bin_dir / "python3.10"
    fake_python.write_text(f"#!/bin/sh\ntouch {probed}\necho True\n")
    fake_python.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    data_dir = tmp_path / "data"
    missing_survey = tmp_path / "no-such-survey.yaml"

    plain = Settings(_env_file=None, environment="development", data_dir=data_dir, survey_file=missing_survey)
    with pytest.raises(PepperError, match="CONSULT_PEPPER is not set"):
        plain.resolved_pepper()
    settings = plain.model_copy(update={"pepper": SecretStr("p" * 40)})
    settings.index_config(None)
    settings.survey_config()
    settings.chat_secret()
    settings.resolved_tracker_store_url()
    assert settings.rasa_files().python is None

    assert not probed.exists()
    assert not data_dir.exists()


def test_a_broken_survey_file_stops_answering_with_the_file_question_and_reason(tmp_path: Path) -> None:
    """The pre-election rule comes from the survey file: a broken one is refused, not taken as 'no such period'."""
    from typer.testing import CliRunner

    from bot.cli import app

    data = yaml.safe_load(default_definition_path().read_text())
    data["questions"][1]["kind"] = "bogus"
    broken = tmp_path / "survey.yaml"
    broken.write_text(yaml.safe_dump(data))
    env = {
        "CONSULT_ENVIRONMENT": "test",
        "CONSULT_DATA_DIR": str(tmp_path / "data"),
        "CONSULT_SURVEY_FILE": str(broken),
        "CONSULT_INDEX_AUTO_BUILD": "false",
    }
    result = CliRunner().invoke(app, ["ask", "When is the election?"], env=env)
    assert result.exit_code == 2
    question = data["questions"][1]["id"]
    assert f"{broken} is not a valid survey: question '{question}'" in result.output
    assert "Input should be" in result.output
    assert "Traceback" not in result.output
