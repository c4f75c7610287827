"""Who a resident is, under keyed hashes (HMAC-SHA256 under a secret pepper): three ids, each made from the one before.

- channel user id: the resident's own id on a channel (a Telegram user id, the web chat's session id, a paper form's
  respondent_id).
- sender id: what Rasa knows a resident of a conversation channel by (`tracker.sender_id`), made from the channel user
  id by `sender_id_of_resident`. On a channel without a conversation (paper, an event) the channel user id itself is
  the sender id.
- pseudonym: the survey store's key for a resident (`Submission.respondent`), made from the sender id by
  `pseudonym_of_sender`; `pseudonym_of_resident` goes there from the channel user id in one step.

A plain hash of a Telegram id is reversible by brute force (ids are at most 52 bits); without the pepper it is not.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

MIN_PEPPER_BYTES = 32


class PepperError(RuntimeError):
    """No usable pepper: the service must not start."""


def pseudonym_of_sender(pepper: bytes, channel: str, sender: str) -> str:
    """The store's key for a sender id (see the glossary above)."""
    message = f"{channel.strip().lower()}\x1f{sender.strip()}".encode()
    return hmac.new(pepper, message, hashlib.sha256).hexdigest()


# Channels whose residents reach the store through a conversation, so their sender id is not their channel user id.
CONVERSATION_CHANNELS = frozenset({"telegram", "web"})


def sender_id_of_resident(pepper: bytes, channel: str, user_id: str) -> str:
    """What Rasa knows a resident by: keyed by the pepper, so it cannot be turned back into the channel user id."""
    digest = hmac.new(pepper, f"relay\x1f{channel}\x1f{user_id}".encode(), hashlib.sha256).hexdigest()
    return f"{channel}-{digest[:40]}"


def pseudonym_of_resident(pepper: bytes, channel: str, user_id: str) -> str:
    """The store's key for a channel user id (a Telegram user id, a paper form's number)."""
    sender = sender_id_of_resident(pepper, channel, user_id) if channel in CONVERSATION_CHANNELS else user_id
    return pseudonym_of_sender(pepper, channel, sender)


def check_pepper(pepper: bytes) -> bytes:
    if len(pepper) < MIN_PEPPER_BYTES:
        raise PepperError(
            f"CONSULT_PEPPER must be at least {MIN_PEPPER_BYTES} bytes of secret (for example the output "
            "of `python -c 'import secrets; print(secrets.token_hex(32))'`)"
        )
    return pepper


def development_pepper(data_dir: Path) -> bytes:
    """A random pepper kept in the data directory, for development and tests only."""
    path = data_dir / "development-pepper"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip().encode()
