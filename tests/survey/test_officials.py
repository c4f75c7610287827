"""Dashboard accounts: a wrong name and a wrong password are told apart neither by the answer nor by the time taken."""

from __future__ import annotations

import time

from argon2 import PasswordHasher

from survey.officials import DUMMY_HASH, add_official, verify_official
from survey.service import Survey

PASSWORD = "a long enough password"


def test_the_stand_in_hash_costs_what_a_real_one_costs() -> None:
    """A name that does not exist is checked against DUMMY_HASH: with the hasher's own parameters (memory, time,
    lanes), so it takes as long as a real account's wrong password."""
    assert not PasswordHasher().check_needs_rehash(DUMMY_HASH)


def test_an_unknown_name_is_refused_as_slowly_as_a_wrong_password(survey: Survey) -> None:
    add_official(survey.db, "alice", PASSWORD)
    assert verify_official(survey.db, "alice", PASSWORD)

    def cpu_seconds(name: str, password: str) -> float:
        start = time.process_time()
        assert not verify_official(survey.db, name, password)
        return time.process_time() - start

    wrong_password = min(cpu_seconds("alice", "not the password") for _ in range(3))
    unknown_name = min(cpu_seconds("nobody", PASSWORD) for _ in range(3))
    assert unknown_name > wrong_password / 2
