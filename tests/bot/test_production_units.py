"""The production equivalent of `consult up` (docs/systemd, explained in docs/production.md) is valid systemd
configuration, as `systemd-analyze verify` sees it, and has a unit for every component `consult up` runs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.stack import components

UNITS = Path(__file__).resolve().parents[2] / "docs" / "systemd"
REPO = Path(__file__).resolve().parents[2]


def _verify(units: Path) -> subprocess.CompletedProcess[str]:
    """systemd-analyze verify on copies pointing at this checkout (it checks that every command is executable)."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze is missing (Debian package systemd)", pytrace=False)
    files = sorted(str(unit) for unit in units.iterdir())
    return subprocess.run(
        [analyze, "verify", "--man=no", *files], capture_output=True, text=True, timeout=120, check=False
    )


def _copy(tmp_path: Path, edit: dict[str, str] | None = None) -> Path:
    target = tmp_path / "units"
    target.mkdir()
    for unit in UNITS.iterdir():
        text = unit.read_text().replace("/opt/consult", str(REPO))
        for old, new in (edit or {}).items():
            text = text.replace(old, new)
        (target / unit.name).write_text(text)
    return target


def test_the_documented_units_are_valid(tmp_path: Path) -> None:
    result = _verify(_copy(tmp_path))
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), result.stdout + result.stderr


def test_the_check_would_notice_a_broken_unit(tmp_path: Path) -> None:
    result = _verify(_copy(tmp_path, {"Restart=on-failure": "Restrat=on-failure", "/bin/consult actions": "/bin/nope"}))
    output = result.stdout + result.stderr
    assert "Unknown key" in output and "not executable" in output, output


def test_every_component_has_a_unit_and_rasa_waits_for_its_action_server() -> None:
    settings = Settings.model_validate({"telegram_token": "1:x", "environment": "test"})
    for component in components(settings, "token"):
        assert (UNITS / f"consult-{component.name}.service").exists(), component.name
    rasa = (UNITS / "consult-rasa.service").read_text()
    assert "After=consult-prepare.service consult-actions.service" in rasa
    assert "ExecStartPre=/bin/sh -c 'until curl -fsS -o /dev/null http://127.0.0.1:5055/health" in rasa
