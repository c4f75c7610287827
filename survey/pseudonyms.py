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
