"""The action server loads the redaction name lists before it opens its port, so the first resident who writes an
answer does not wait about a second for them."""

from __future__ import annotations

from typing import Any

import pytest

from survey.names import gazetteer
from survey.service import Survey


def test_action_server_warms_redaction_before_serving(survey: Survey, monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa_sdk import endpoint

    from bot.actions.server import run_action_server

    loaded_when_serving: list[int] = []

    def serve(*_args: Any, **_kwargs: Any) -> None:  # instead of binding a port: note what is loaded by then
        loaded_when_serving.append(gazetteer.cache_info().currsize)

    gazetteer.cache_clear()
    monkeypatch.setattr(endpoint, "run", serve)
    monkeypatch.setenv("SANIC_HOST", "127.0.0.1")
    run_action_server(pipeline=object(), survey=survey, host="127.0.0.1", port=0)  # type: ignore[arg-type]
    assert loaded_when_serving == [1]
