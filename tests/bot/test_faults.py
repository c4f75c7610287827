"""Faults: components killed with SIGKILL at random moments during a stream of submissions, and the database going
away. Every acknowledged vote must be stored exactly once, and nothing half-written may show in the results."""

from __future__ import annotations

import random
import shutil
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from bot.chat.sessions import ChatSessions
from index.config import IndexConfig
from survey.definition import default_definition_path
from survey.pseudonyms import sender_id_of_resident
from survey.results import compute_results
from survey.service import open_survey
from survey.store import respondent_data, stored_respondents
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


class UnansweredError(AssertionError):
    """The assistant did not answer a message in all the attempts a resident makes."""


def _say(stack: Stack, token: str, text: str) -> dict[str, Any]:
    return _send(stack, token, text)[0]


def _send(stack: Stack, token: str, text: str, attempts: int = 60) -> tuple[dict[str, Any], bool]:
    """A message sent as the widget sends it: while the assistant is unavailable (a 503, or the web application not
    answering at all), the same message with the same id again after a pause that doubles up to a few seconds. Also
    says whether any attempt failed (the message may then have been received, and acted on, more than once)."""
    body = {"token": token, "text": text, "id": uuid.uuid4().hex}
    pause, failed = 0.25, False
    for _ in range(attempts):
        try:
            response = httpx.post(f"{stack.web_url}/api/chat/message", json=body, timeout=60)
            if response.status_code == 200:
                reply: dict[str, Any] = response.json()
                return reply, failed
            assert response.status_code == 503, response.text  # nothing but "try again in a moment" is expected
        except httpx.HTTPError:
            pass
        failed = True
        time.sleep(pause)  # the widget's own back-off, not a wait for the test's sake
        pause = min(pause * 2, 4)
    raise UnansweredError(f"no answer to {text!r}")


def _session(stack: Stack) -> str:
    for _ in range(120):
        try:
            token: str = httpx.post(f"{stack.web_url}/api/chat/session", timeout=10).json()["token"]
            return token
        except (httpx.HTTPError, ValueError):
            time.sleep(0.5)  # the web application is restarting
    raise UnansweredError("no session")


def _saved(reply: dict[str, Any]) -> bool:
    return any("your answers are saved" in m["text"] for m in reply["messages"])


def _respondent(stack: Stack, token: str) -> str:
    sid = ChatSessions(stack.settings.chat_secret(), 10**6).session_id(token)
    survey = open_survey(stack.settings.survey_config(), upgrade=False)
    try:
        return survey.pseudonym_of_sender(
            "web", sender_id_of_resident(stack.settings.resolved_pepper(), "web", str(sid))
        )
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


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database_stack(
    request: pytest.FixtureRequest, tmp_path: Path, index_config: IndexConfig, stack: Stack
) -> Iterator[Stack]:
    """A stack of its own storing answers in SQLite, or in PostgreSQL (conversations too)."""
    if request.param == "sqlite":
        running = _copy_of(stack, tmp_path, index_config)
        yield running
        running.stop()
        return
    postgres.required()
    with postgres.fresh_databases(2) as (answers, trackers):
        settings = {
            "CONSULT_DATABASE_URL": postgres.app_url(answers),
            "CONSULT_TRACKER_STORE_URL": postgres.rasa_url(trackers),
        }
        running = _copy_of(stack, tmp_path, index_config, settings)
        yield running
        running.stop()


@dataclass
class Chaos:
    """What happened during the run, written by its threads."""

    acknowledged: set[str] = field(default_factory=set)  # tokens of residents told "your answers are saved"
    uncertain: set[str] = field(default_factory=set)  # tokens whose confirmation failed at least once, unacknowledged
    kills: Counter[str] = field(default_factory=Counter)
    inconsistent: list[dict[str, Any]] = field(default_factory=list)
    failures: list[BaseException] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _run_threads(targets: list[Callable[[], None]], chaos: Chaos, stop: threading.Event, seconds: float) -> None:
    def guarded(target: Callable[[], None]) -> None:
        try:
            target()
        except BaseException as error:  # any failure in a thread fails the test
            with chaos.lock:
                chaos.failures.append(error)
            stop.set()

    threads = [threading.Thread(target=guarded, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=600)
    assert not [thread for thread in threads if thread.is_alive()], "a thread did not finish"


def test_kill_9_at_random_moments_loses_no_acknowledged_vote(any_database_stack: Stack) -> None:
    stack = any_database_stack
    chaos, stop = Chaos(), threading.Event()

    def resident() -> None:
        while not stop.is_set():
            token = _session(stack)
            confirmation_failed = False
            for text in SURVEY:
                reply, failed = _send(stack, token, text)
                confirmation_failed = failed  # only the last message's (the confirmation's) counts
            with chaos.lock:
                if _saved(reply):
                    chaos.acknowledged.add(token)
                elif confirmation_failed:
                    chaos.uncertain.add(token)

    def killer() -> None:
        rng = random.Random(11)
        while not stop.is_set():
            victims = ["actions", "web", "rasa"]
            rng.shuffle(victims)  # every component is killed in every round
            for victim in victims:
                if stop.wait(rng.uniform(2, 5)):
                    return
                stack.kill(victim)
                chaos.kills[victim] += 1
                time.sleep(rng.uniform(0.2, 1.5))  # how long the component stays dead
                stack.start(victim)

    def reader() -> None:
        survey = open_survey(stack.settings.survey_config(), upgrade=False)
        while not stop.wait(0.3):
            results = compute_results(survey.db, survey.definition)
            first = sum(p["first_choice"] for p in results["questions"]["priorities"]["options"])
            mentions = sum(p["mentions"] for p in results["questions"]["priorities"]["options"])
            if first != results["respondents"] or mentions != 3 * results["respondents"]:
                chaos.inconsistent.append(results)
        survey.db.dispose()

    _run_threads([resident] * 4 + [killer, reader], chaos, stop, seconds=90)
    assert chaos.failures == [], chaos.failures
    for name in ("rasa", "actions", "web"):
        if name not in stack.processes:
            stack.start(name)

    survey = open_survey(stack.settings.survey_config(), upgrade=False)
    stored = stored_respondents(survey.db)
    survey.db.dispose()
    acknowledged = {_respondent(stack, token) for token in chaos.acknowledged}
    uncertain = {_respondent(stack, token) for token in chaos.uncertain}
    print(
        f"\nkills {dict(chaos.kills)}; acknowledged {len(acknowledged)}, stored {len(stored)} "
        f"(of which unacknowledged after a failed confirmation: {len(set(stored) - acknowledged)}, "
        f"of {len(uncertain)} such residents)"
    )
    assert set(chaos.kills) == {"rasa", "actions", "web"}, chaos.kills
    assert len(acknowledged) >= 3, "the stream made too little progress to mean anything"
    assert len(stored) == len(set(stored)), "a respondent was stored twice"
    assert acknowledged <= set(stored), "an acknowledged vote was lost"
    assert set(stored) - acknowledged <= uncertain, "a vote was stored that no resident confirmed"
    assert chaos.inconsistent == []


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
    postgres.required()
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
    while not postgres.answers():  # pg_ctlcluster waits for the server; this makes sure it takes connections
        time.sleep(0.2)
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
