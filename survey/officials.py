"""Dashboard accounts: argon2 password hashes, checked in constant time whether or not the name exists."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from survey.database import Database
from survey.models import Official
from survey.store import utc_now

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,79}$")
MIN_PASSWORD = 12
_HASHER = PasswordHasher()
# Checked instead when the name does not exist, so that takes as long as a wrong password. A constant, not hashed at
# import (64 MiB and a noticeable pause in every process importing this); made with the hasher's parameters, which
# tests/survey/test_officials.py keeps in step.
DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$T70g6A/oot0Ar4W1dIr5qw$ZYV7YLkVEycLKZgOu6ZtXXLHZrtCrYtXVuMquE8Gy0k"


class OfficialError(ValueError):
    pass


def add_official(db: Database, name: str, password: str) -> None:
    if not NAME.match(name):
        raise OfficialError("the name must be 2-80 letters, digits or . _ @ - (no spaces)")
    if len(password) < MIN_PASSWORD:
        raise OfficialError(f"the password must be at least {MIN_PASSWORD} characters")
    try:
        with db.write() as connection:
            connection.execute(
                insert(Official).values(name=name, password_hash=_HASHER.hash(password), created_at=utc_now())
            )
    except IntegrityError:
        raise OfficialError(f"an official called '{name}' already exists") from None


def verify_official(db: Database, name: str, password: str) -> bool:
    with db.read() as session:
        stored = session.scalar(select(Official.password_hash).where(Official.name == name))
    try:
        return _HASHER.verify(stored or DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
