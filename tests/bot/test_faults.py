"""Faults: components killed with SIGKILL at random moments during a stream of submissions, and the database going
away. Every acknowledged vote must be stored exactly once, and nothing half-written may show in the results."""

from __future__ import annotations

import random
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from bot.chat.sessions import ChatSessions
from index.config import IndexConfig
from survey.definition import default_definition_path
from survey.pseudonyms import sender_id
from survey.results import compute_results
from survey.service import open_survey
from survey.store import respondent_data
from tests import postgres
from tests.stack import Stack

pytestmark = pytest.mark.slow
SURVEY = [
    "take the survey",
    "/affirm",
    "Tendring",
    "52",
    "rural crime",
    "road safety",
    "fraud",
    "support",
    "skip",
    "/affirm",
]


def _say(stack: Stack, token: str, text: str, attempts: int = 40) -> dict[str, Any]:
    """What a resident does when the assistant stumbles: wait a moment and send the same message again."""
    for _ in range(attempts):
        try:
            response = httpx.post(f"{stack.web_url}/api/chat/message", json={"token": token, "text": text}, timeout=30)
            if response.status_code == 200:
                body: dict[str, Any] = response.json()
                return body
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"no answer to {text!r}")


def _session(stack: Stack) -> str:
    while True:
        try:
            token: str = httpx.post(f"{stack.web_url}/api/chat/session", timeout=10).json()["token"]
            return token
        except (httpx.HTTPError, ValueError):
            time.sleep(0.5)


def _saved(reply: dict[str, Any]) -> bool:
    return any("your answers are saved" in m["text"] for m in reply["messages"])


def _respondent(stack: Stack, token: str) -> str:
    sid = ChatSessions(stack.settings.chat_secret(), 10**6).session_id(token)
    survey = open_survey(stack.settings.survey_config(), upgrade=False)
    try:
        return survey.respondent("web", sender_id(stack.settings.resolved_pepper(), "web", str(sid)))
    finally:
        survey.db.dispose()


def _copy_of(stack: Stack, tmp_path: Path, index_config: IndexConfig, settings: dict[str, str] | None = None) -> Stack:
    """A running stack of its own (these tests kill its processes), reusing the session's index and trained model."""
    data = tmp_path / "data"
    (data / "rasa").mkdir(parents=True)
    shutil.copytree(stack.settings.data_dir / "rasa" / "models", data / "rasa" / "models")
    running = Stack(data, index_dir=index_config.index_dir, settings=settings)
    running.prepare()
    running.start()
    return running


@pytest.fixture
def own_stack(tmp_path: Path, index_config: IndexConfig, stack: Stack) -> Iterator[Stack]:
    running = _copy_of(stack, tmp_path, index_config)
    yield running
    running.stop()


def test_kill_9_at_random_moments_loses_no_acknowledged_vote(own_stack: Stack) -> None:
    stack = own_stack
    acknowledged: list[str] = []
    inconsistent: list[dict[str, Any]] = []
    stop = threading.Event()

    def resident() -> None:
        while not stop.is_set():
            token = _session(stack)
            for text in SURVEY:
                reply = _say(stack, token, text)
            if _saved(reply):
                acknowledged.append(token)

    def chaos() -> None:
        rng = random.Random(11)
        while not stop.is_set():
            time.sleep(rng.uniform(2, 5))
            victim = rng.choice(["actions", "web", "rasa"])
            stack.kill(victim)
            time.sleep(rng.uniform(0.2, 1.5))
            stack.start(victim)

    def reader() -> None:
        survey = open_survey(stack.settings.survey_config(), upgrade=False)
        while not stop.is_set():
            results = compute_results(survey.db, survey.definition)
            first = sum(p["first_choice"] for p in results["questions"]["priorities"]["options"])
            mentions = sum(p["mentions"] for p in results["questions"]["priorities"]["options"])
            if first != results["respondents"] or mentions != 3 * results["respondents"]:
                inconsistent.append(results)
            time.sleep(0.3)
        survey.db.dispose()

    threads = [threading.Thread(target=resident) for _ in range(4)]
    threads += [threading.Thread(target=chaos), threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    time.sleep(75)
    stop.set()
    for thread in threads:
        thread.join(timeout=180)
    for name in ("rasa", "actions", "web"):
        if name not in stack.processes:
            stack.start(name)

    assert len(acknowledged) >= 5, "the stream made too little progress to mean anything"
    survey = open_survey(stack.settings.survey_config(), upgrade=False)
    respondents = {_respondent(stack, token) for token in acknowledged}
    assert len(respondents) == len(acknowledged)  # one session, one resident
    missing = [r for r in respondents if respondent_data(survey.db, r) is None]
    assert missing == []
    results = compute_results(survey.db, survey.definition)
    assert results["respondents"] >= len(acknowledged)
    assert sum(p["mentions"] for p in results["questions"]["priorities"]["options"]) == 3 * results["respondents"]
    survey.db.dispose()
    assert inconsistent == []


def test_a_resident_mid_survey_carries_on_after_rasa_is_killed(own_stack: Stack) -> None:
    token = _session(own_stack)
    for text in SURVEY[:3]:
        _say(own_stack, token, text)
    own_stack.kill("rasa")
    own_stack.start("rasa")
    reply = _say(own_stack, token, "52")  # the age question it was on
    assert any("Which should matter most" in m["text"] for m in reply["messages"]), reply


@pytest.fixture
def postgres_stack(tmp_path: Path, index_config: IndexConfig, stack: Stack) -> Iterator[Stack]:
    if not postgres.answers():
        pytest.skip("PostgreSQL is not answering on 127.0.0.1:5432: database-outage test skipped")
    with postgres.fresh_databases() as (name,):
        running = _copy_of(stack, tmp_path, index_config, {"CONSULT_DATABASE_URL": postgres.app_url(name)})
        yield running
        running.stop()


def _postgres(action: str) -> None:
    version = next(Path("/etc/postgresql").iterdir()).name
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action], check=True, capture_output=True
    )


def test_while_the_database_is_down_residents_are_told_to_try_again_and_nothing_is_acknowledged(
    postgres_stack: Stack,
) -> None:
    token = _session(postgres_stack)
    for text in SURVEY[:-1]:
        _say(postgres_stack, token, text)
    _postgres("stop")
    try:
        reply = _say(postgres_stack, token, "/affirm")
        texts = " ".join(m["text"] for m in reply["messages"])
        assert "couldn't save your answers just now" in texts and "try again" in texts
        assert not _saved(reply)
        other = _session(postgres_stack)
        for text, expected in (
            ("I want to change my answers", "can't look up your answers just now"),
            ("what do you hold about me", "can't look that up just now"),
        ):
            reply = _say(postgres_stack, other, text)
            assert expected in " ".join(m["text"] for m in reply["messages"]), reply
    finally:
        _postgres("start")
    time.sleep(1)
    survey = open_survey(postgres_stack.settings.survey_config(), upgrade=False)
    assert respondent_data(survey.db, _respondent(postgres_stack, token)) is None  # no acknowledgement, no row
    retried = _say(postgres_stack, token, "/affirm")  # the summary was offered again: save now
    assert _saved(retried), retried
    assert respondent_data(survey.db, _respondent(postgres_stack, token)) is not None
    survey.db.dispose()


def test_the_notice_version_stored_is_the_one_the_resident_agreed_to(
    tmp_path: Path, index_config: IndexConfig, stack: Stack
) -> None:
    """The office publishes a new privacy notice (and restarts) while a resident is at the summary: their answers are
    stored with the version they read and agreed to, not the new one."""
    survey_file = tmp_path / "survey.yaml"
    shutil.copy(default_definition_path(), survey_file)
    running = _copy_of(stack, tmp_path, index_config, {"CONSULT_SURVEY_FILE": str(survey_file)})
    try:
        token = _session(running)
        for text in SURVEY[:-1]:
            _say(running, token, text)
        definition = yaml.safe_load(survey_file.read_text())
        agreed_to = definition["privacy_notice"]["version"]
        definition["privacy_notice"]["version"] = f"{agreed_to}-revised"
        survey_file.write_text(yaml.safe_dump(definition))
        running.restart("actions")
        assert _saved(_say(running, token, "/affirm"))
        survey = open_survey(running.settings.survey_config(), upgrade=False)
        stored = respondent_data(survey.db, _respondent(running, token))
        survey.db.dispose()
        assert stored is not None and stored["responses"][0]["privacy_notice_version"] == agreed_to
    finally:
        running.stop()
