from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot.settings import Settings
from survey.definition import default_definition_path
from survey.pseudonyms import PepperError


def test_the_pre_election_period_comes_from_the_consultation_file(tmp_path: Path) -> None:
    data = yaml.safe_load(default_definition_path().read_text())
    data["election_period"] = {"start": "2027-04-01", "end": "2027-05-06", "pointer": "See the council's site."}
    path = tmp_path / "survey.yaml"
    path.write_text(yaml.safe_dump(data))
    policy = Settings(survey_file=path, data_dir=tmp_path).index_config().policy
    assert policy.election_period == (dt.date(2027, 4, 1), dt.date(2027, 5, 6))
    assert policy.election_pointer == "See the council's site."
    assert Settings(data_dir=tmp_path).index_config().policy.election_period is None


def test_production_needs_a_real_pepper(tmp_path: Path) -> None:
    with pytest.raises(PepperError, match="required in production"):
        Settings(environment="production", data_dir=tmp_path).survey_config()
    assert len(Settings(environment="development", data_dir=tmp_path).resolved_pepper()) == 64
    assert (
        not list(tmp_path.glob("*pepper*"))
        or Settings(data_dir=tmp_path).resolved_pepper() == Settings(data_dir=tmp_path).resolved_pepper()
    )  # the development pepper is stable across restarts


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
