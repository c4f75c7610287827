"""The Rasa project itself: its data validates, the dialogue stories pass, and intents hold up on held-out folds."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.stack import Stack

pytestmark = pytest.mark.slow
runner = CliRunner()


def _env(stack: Stack) -> dict[str, str]:
    return stack.env


def test_training_data_and_domain_validate(stack: Stack) -> None:
    result = runner.invoke(app, ["rasa", "validate"], env=_env(stack))
    assert result.exit_code == 0, result.output


def test_dialogue_stories_pass(stack: Stack) -> None:
    result = runner.invoke(app, ["rasa", "test-stories"], env=_env(stack))
    assert result.exit_code == 0, result.output
    assert "Correct:" in result.output


def test_held_out_intent_f1_is_at_least_090(stack: Stack) -> None:
    result = runner.invoke(app, ["rasa", "test-nlu", "--folds", "5"], env=_env(stack))
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["intent_f1"] >= 0.9, figures
