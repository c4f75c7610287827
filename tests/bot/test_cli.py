"""The `consult` command as a whole: every command documents itself with an example, and bad settings are explained."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


def _commands(group: TyperGroup, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found = []
    for name, command in group.commands.items():
        if isinstance(command, TyperGroup):
            found.extend(_commands(command, (*prefix, name)))
        else:
            found.append(((*prefix, name), command))
    return found


COMMANDS = _commands(typer.main.get_group(app))


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help_with_an_example(path: tuple[str, ...], command: Any) -> None:
    assert command.help, path
    assert f"Example: consult {' '.join(path)}" in command.help


def test_invalid_settings_are_explained_not_traced(tmp_path: object) -> None:
    result = runner.invoke(app, ["results"], env={"CONSULT_DENSE_WEIGHT": "lots"})
    assert result.exit_code == 2
    assert "CONSULT_DENSE_WEIGHT" in result.output
    assert "Traceback" not in result.output
