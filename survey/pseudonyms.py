"""Pseudonymous respondent keys: HMAC-SHA256 of channel and channel user id under a secret pepper.

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


def pseudonym(pepper: bytes, channel: str, user_id: str) -> str:
    message = f"{channel.strip().lower()}\x1f{user_id.strip()}".encode()
    return hmac.new(pepper, message, hashlib.sha256).hexdigest()


# Channels whose residents reach the store through a conversation: Rasa knows them by a sender id derived from their
# channel id (see sender_id), and the store by a pseudonym of that sender id.
CONVERSATION_CHANNELS = frozenset({"telegram", "web"})


def sender_id(pepper: bytes, channel: str, user_id: str) -> str:
    """What Rasa knows a resident by: keyed by the pepper, so it cannot be turned back into the channel's id."""
    digest = hmac.new(pepper, f"relay\x1f{channel}\x1f{user_id}".encode(), hashlib.sha256).hexdigest()
    return f"{channel}-{digest[:40]}"


def resident_pseudonym(pepper: bytes, channel: str, user_id: str) -> str:
    """The store's key for a resident known by their id on a channel (a Telegram user id, a paper form's number)."""
    if channel in CONVERSATION_CHANNELS:
        user_id = sender_id(pepper, channel, user_id)
    return pseudonym(pepper, channel, user_id)


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
