"""schemathesis against the web application's own OpenAPI description: no server errors, no schema violations, and
the chat API fuzzed with valid session tokens (tests/bot/schemathesis_hooks.py), so messages reach the assistant."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx
import pytest

from bot.chat.sessions import ChatSessions
from survey.pseudonyms import sender_id
from tests.processes import BIN
from tests.stack import Stack

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def test_the_api_keeps_its_contract(stack: Stack) -> None:
    tokens = [httpx.post(f"{stack.web_url}/api/chat/session").json()["token"] for _ in range(10)]
    result = subprocess.run(
        [
            str(BIN / "schemathesis"),
            "run",
            f"{stack.web_url}/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            "40",
            "--request-timeout",
            "60",
            "--seed",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        cwd=REPO,
        env={
            **os.environ,
            "SCHEMATHESIS_HOOKS": "tests.bot.schemathesis_hooks",
            "CONSULT_TEST_TOKENS": ",".join(tokens),
            "PYTHONPATH": str(REPO),
        },
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert "Tested: 2" in result.stdout  # both operations of the chat API
    assert _messages_that_reached_the_assistant(stack, tokens) > 0, result.stdout[-4000:]


def _messages_that_reached_the_assistant(stack: Stack, tokens: list[str]) -> int:
    sessions = ChatSessions(stack.settings.chat_secret(), 3600)
    reached = 0
    for token in tokens:
        sender = sender_id(stack.settings.resolved_pepper(), "web", str(sessions.session_id(token)))
        response = httpx.get(
            f"{stack.rasa_url}/conversations/{sender}/tracker",
            params={"token": stack.token, "include_events": "ALL"},
            timeout=30,
        )
        reached += sum(1 for event in response.json().get("events") or [] if event["event"] == "user")
    return reached
