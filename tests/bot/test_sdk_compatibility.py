"""Why rasa-sdk 3.11 is safe next to Rasa 3.6.21: the release that matches (3.6.x) requires Python < 3.11, and the app
environment is Python 3.11. What Rasa needs from an action server is its response format and its events; both are
checked here by Rasa 3.6.21 itself, in its own environment, against what our action server (rasa-sdk 3.11) produces."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import httpx
import pytest
import rasa_sdk
from rasa_sdk import events

from bot.rasa_env import RASA_ENV
from tests.stack import Stack

pytestmark = pytest.mark.slow

# Every event constructor rasa-sdk offers, with sample arguments.
SAMPLES: list[dict[str, Any]] = [
    events.SlotSet("district", "harlow"),
    events.AllSlotsReset(),
    events.Restarted(),
    events.SessionStarted(),
    events.UserUttered("hello", {"intent": {"name": "greet", "confidence": 1.0}, "entities": []}),
    events.BotUttered("hi", {"buttons": [{"title": "A", "payload": "/a"}]}),
    events.UserUtteranceReverted(),
    events.ActionReverted(),
    events.FollowupAction("action_respond"),
    events.ConversationPaused(),
    events.ConversationResumed(),
    events.ActionExecuted("action_listen"),
    events.ActiveLoop("survey_form"),
    events.ActiveLoop(None),
    events.LoopInterrupted(True),
    events.ActionExecutionRejected("survey_form"),
    events.ReminderCancelled("reminder"),
]
CHECK_IN_RASA = """
import json, sys
import jsonschema
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
samples, response = json.load(sys.stdin)
jsonschema.validate(response, RemoteAction.action_response_format_spec())
# Our faster validation (bot/rasa_logging/sitecustomize.py) is the one Rasa uses, and it still refuses a bad response.
assert jsonschema.validate.__name__ == "validate_with_checked_schema", jsonschema.validate
try:
    jsonschema.validate({"events": [{"event": 5}]}, RemoteAction.action_response_format_spec())
    raise SystemExit("an invalid response was accepted")
except jsonschema.ValidationError:
    pass

def seen(event):
    # What Rasa understood: the event's type and the fields our actions rely on.
    names = [getattr(event, field, None) for field in ("name", "key", "action_name")]
    return {"event": event.type_name, "name": next((n for n in names if n is not None), None),
            "value": getattr(event, "value", None), "text": getattr(event, "text", None)}

parsed = [Event.from_parameters(e) for e in samples + response["events"]]
print(json.dumps([None if p is None else seen(p) for p in parsed]))
"""


def _rasa_reads(samples: list[dict[str, Any]], response: dict[str, Any], stack: Stack) -> list[dict[str, Any] | None]:
    result = subprocess.run(
        [str(stack.settings.rasa_files().rasa.with_name("python")), "-c", CHECK_IN_RASA],
        input=json.dumps([samples, response]),
        env={**os.environ, **RASA_ENV},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    parsed: list[dict[str, Any] | None] = json.loads(result.stdout.strip().splitlines()[-1])
    return parsed


def test_rasa_3_6_reads_every_event_and_the_response_of_our_rasa_sdk(stack: Stack) -> None:
    assert rasa_sdk.__version__.startswith("3.11.")  # the pin this test vouches for
    call = {
        "next_action": "action_renew_session",
        "sender_id": "compatibility",
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": "compatibility",
            "slots": {"district": "harlow"},
            "latest_message": {},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": "survey_form"},
            "latest_action_name": None,
        },
    }
    actions_url = stack.parts["actions"].ready_url.removesuffix("/health")
    response = httpx.post(f"{actions_url}/webhook", json=call, timeout=60)
    response.raise_for_status()
    body = response.json()
    parsed = _rasa_reads(SAMPLES, body, stack)
    expected = SAMPLES + body["events"]
    assert len(parsed) == len(expected)
    for ours, theirs in zip(expected, parsed, strict=True):
        assert theirs is not None, ours
        assert theirs["event"] == ours["event"]
        for key in ("name", "value", "text"):
            if ours.get(key) is not None:
                assert theirs.get(key) == ours[key], (ours, theirs)
    assert [e["event"] for e in body["events"]][:2] == ["session_started", "slot"]
    assert {"event": "active_loop", "name": "survey_form"}.items() <= next(
        e for e in body["events"] if e["event"] == "active_loop"
    ).items()
