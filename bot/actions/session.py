"""A new Rasa session that keeps what the resident is in the middle of.

Rasa loads, featurizes and sends to this server every event of the current session on every turn, so a long session
makes every turn dearer. Every few turns the relays have Rasa run this action (bot/relay.py), which starts a new session
invisibly: it begins with the slots and the active form of the old one, and with its last action, so a survey carries
on at the same question and a pending confirmation ("delete my data?") still works (the rules look back one action).
Earlier turns are not replayed: replayed turns would run their slot resets again.

It is not Rasa's own `action_session_start`, which stays Rasa's built-in: a conversation must be able to start while
this server is down (its first message then gets "try again in a moment" and the next one works).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

NOT_CARRIED = {"action_listen", "action_session_start", "action_renew_session"}


class ActionRenewSession(Action):
    def name(self) -> str:
        return "action_renew_session"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = [SessionStarted()]
        events += [SlotSet(name, value) for name, value in tracker.slots.items() if value is not None]
        if tracker.active_loop_name:
            events.append(ActiveLoop(tracker.active_loop_name))
        last = last_action(tracker.events)
        if last is not None:
            events.append(ActionExecuted(last))
        events.append(ActionExecuted("action_listen"))
        return events


def last_action(events: list[dict[str, Any]]) -> str | None:
    """The assistant's last action of the session (what the resident's next message answers), if any."""
    for event in reversed(events):
        if event.get("event") == "session_started":
            return None
        if event.get("event") == "action" and event.get("name") not in NOT_CARRIED:
            return str(event["name"])
    return None
