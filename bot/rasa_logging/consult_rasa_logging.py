"""Keeps residents' words out of Rasa's logs. Runs inside the Rasa process (Python 3.10, standard library only).

Rasa 3.6 logs the message text, and with its JSON renderer the local variables of every frame, when handling a message
fails (`rest.message.received.failure`), and SQLAlchemy errors carry their SQL parameters. Rasa replaces the root
handlers after reading its logging config, so a handler filter would be dropped: a log-record factory sanitises every
record as it is made, whichever handler prints it. Rasa's logging config file (`logging.yml`, next to this module)
installs it through a filter factory, the one hook Rasa runs before it starts logging.
"""

from __future__ import annotations

import json
import logging
import traceback
from typing import Any

WITHHELD = "[withheld]"
# The keys Rasa itself treats as personal data in its structured logs (rasa.utils.log_utils._anonymizer), and ours.
PERSONAL_KEYS = frozenset(
    {
        "text", "response_text", "user_text", "slot_values", "parse_data_text", "parse_data_entities",
        "prediction_events", "tracker_latest_message", "prefilled_slots", "message", "response", "slot_candidates",
        "rasa_event", "rasa_events", "tracker_states", "current_states", "old_states", "successes", "current_entity",
        "next_entity", "states", "entity", "token_text", "user_message", "json_message", "sender_id", "metadata",
    }
)  # fmt: skip
SQL_PARAMETERS = "[parameters:"


def install() -> logging.Filter:
    """Called by Rasa's logging config (a filter factory): sanitise every record from now on."""
    original = logging.getLogRecordFactory()
    if not getattr(original, "consult_sanitises", False):

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            return sanitise(original(*args, **kwargs))

        factory.consult_sanitises = True  # type: ignore[attr-defined]
        logging.setLogRecordFactory(factory)
    return logging.Filter()


def sanitise(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a malformed log call must not take the log line down with it
        message = str(record.msg)
    record.msg, record.args = _sanitise_message(message), ()
    if record.exc_info and record.exc_info[0] is not None:
        kind, _, trace = record.exc_info
        # The traceback's frames say where it failed; the exception's message may quote the resident (or SQL values).
        record.exc_text = "Traceback (most recent call last):\n" + "".join(traceback.format_tb(trace))
        record.exc_text += f"{kind.__module__}.{kind.__qualname__}: (message withheld)"
        record.exc_info = None
    return record


def _sanitise_message(message: str) -> str:
    if message.startswith("{"):
        try:
            event = json.loads(message)
        except ValueError:
            event = None
        if isinstance(event, dict):
            return json.dumps(_sanitise_event(event))
    return message.split(SQL_PARAMETERS, 1)[0].rstrip()


def _sanitise_event(event: dict[str, Any]) -> dict[str, Any]:
    clean = {key: (WITHHELD if key in PERSONAL_KEYS else value) for key, value in event.items()}
    if isinstance(clean.get("exception"), list):  # structlog's dict traceback: keep types and frames, drop the rest
        clean["exception"] = [
            {
                "exc_type": part.get("exc_type"),
                "frames": [
                    {"filename": f.get("filename"), "lineno": f.get("lineno"), "name": f.get("name")}
                    for f in part.get("frames", [])
                    if isinstance(f, dict)
                ],
            }
            for part in clean["exception"]
            if isinstance(part, dict)
        ]
    return clean
