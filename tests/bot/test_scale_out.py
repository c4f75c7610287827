"""The configuration a large area would use, run on this machine: PostgreSQL for answers and conversations, Redis
as Rasa's lock store, two Rasa instances and two action servers behind the web application, one shared index."""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
import redis

from bot.chat.sessions import ChatSessions
from bot.conversations import ConversationHistory
from index.config import IndexConfig
from survey.pseudonyms import sender_id_of_resident
from survey.results import compute_results
from survey.service import open_survey
from tests import postgres
from tests.stack import Stack

pytestmark = pytest.mark.slow
SURVEY = [
    "take the survey",
    "/affirm",
    "Basildon",
    "29",
    "anti-social behaviour",
    "drugs",
    "knife crime",
    "neutral",
    "skip",
    "/affirm",
]


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory, index_config: IndexConfig, stack: Stack) -> Iterator[Stack]:
    try:
        redis.Redis(host="127.0.0.1", port=6379, db=4, socket_connect_timeout=3).flushdb()
    except redis.ConnectionError:
        pytest.fail("Redis is not answering on 127.0.0.1:6379 (.ci/run starts it)", pytrace=False)
    postgres.required()
    data = tmp_path_factory.mktemp("scaled")
    (data / "rasa").mkdir()
    shutil.copytree(stack.settings.data_dir / "rasa" / "models", data / "rasa" / "models")
    with postgres.fresh_databases(2) as (answers, trackers):
        running = Stack(
            data,
            index_dir=index_config.index_dir,
            settings={
                "CONSULT_DATABASE_URL": postgres.app_url(answers),
                "CONSULT_TRACKER_STORE_URL": postgres.rasa_url(trackers),
                "CONSULT_LOCK_STORE_URL": "redis://127.0.0.1:6379/4",
                "CONSULT_RASA_INSTANCES": "2",
            },
        )
        running.prepare()
        running.start()
        yield running
        running.stop()


def test_two_rasa_instances_and_two_action_servers_run_behind_the_web_application(scaled: Stack) -> None:
    assert sorted(scaled.processes) == ["actions-1", "actions-2", "rasa-1", "rasa-2", "web"]
    for text in ("rasa-1", "rasa-2"):
        endpoints = scaled.settings.data_dir / "rasa" / ("endpoints.yml" if text == "rasa-1" else "endpoints-2.yml")
        content = endpoints.read_text()
        assert "type: redis" in content and "postgresql://" in content


def _instance(scaled: Stack, token: str) -> int:
    """Which Rasa instance the relay sends this resident to (the same hash the relay uses)."""
    sid = ChatSessions(scaled.settings.chat_secret(), 10**6).session_id(token)
    sender = sender_id_of_resident(scaled.settings.resolved_pepper(), "web", str(sid))
    return int(hashlib.sha256(sender.encode()).hexdigest(), 16) % scaled.settings.rasa_instances


def test_residents_are_served_by_both_instances_and_their_votes_land_in_postgresql(scaled: Stack) -> None:
    tokens: dict[int, list[str]] = {0: [], 1: []}
    while min(len(t) for t in tokens.values()) < 3:
        token = httpx.post(f"{scaled.web_url}/api/chat/session").json()["token"]
        tokens[_instance(scaled, token)].append(token)
    chosen = tokens[0][:3] + tokens[1][:3]
    for token in chosen:
        for text in SURVEY:
            reply = httpx.post(
                f"{scaled.web_url}/api/chat/message", json={"token": token, "text": text}, timeout=60
            ).json()
        assert any("your answers are saved" in m["text"] for m in reply["messages"]), reply
    survey = open_survey(scaled.settings.survey_config(), upgrade=False)
    assert survey.db.engine.dialect.name == "postgresql"
    assert compute_results(survey.db, survey.definition)["respondents"] == 6
    survey.db.dispose()
    conversations = ConversationHistory(scaled.settings.resolved_tracker_store_url())
    for token in chosen:  # every conversation, whichever instance held it, is in the shared PostgreSQL trackers
        sid = ChatSessions(scaled.settings.chat_secret(), 10**6).session_id(token)
        assert conversations.events_of(sender_id_of_resident(scaled.settings.resolved_pepper(), "web", str(sid))) > 10
    conversations.dispose()


def test_the_index_is_built_once_and_shared_read_only(scaled: Stack) -> None:
    builds = list((scaled.settings.data_dir / "index" / "builds").iterdir())
    assert len(builds) == 1
    for name in ("actions-1", "actions-2"):
        maps = {Path(m.path).name for m in psutil.Process(scaled.processes[name].pid).memory_maps()}
        assert {"chunk_vectors.npy", "sentence_vectors.npy"} <= maps


def test_rasa_really_locks_in_redis_and_its_failure_logs_hold_no_resident_text(scaled: Stack) -> None:
    """With the lock store refusing every key, Rasa fails inside its channel, where it logs the message text and the
    variables of every frame; our logging config must withhold them (and the failure must still be reported)."""
    marker = f"okapi-{hashlib.sha256(str(scaled.processes).encode()).hexdigest()[:8]}"
    before = {path: path.stat().st_size for path in scaled.logs.glob("rasa*.log")}
    admin = redis.Redis(host="127.0.0.1", port=6379)
    admin.acl_setuser("default", enabled=True, reset_keys=True)  # open connections lose access to every key
    try:
        assert scaled.say("resident-locked-out", f"{marker} lives at 12 Acacia Avenue") == []  # no reply: it failed
    finally:
        admin.acl_setuser("default", enabled=True, keys=["*"])
        admin.close()

    def written() -> str:
        return "".join(p.read_text(errors="replace")[before.get(p, 0) :] for p in scaled.logs.glob("rasa*.log"))

    deadline = time.monotonic() + 30
    while "rest.message.received.failure" not in written() and time.monotonic() < deadline:
        time.sleep(0.1)  # until Rasa has logged the failure
    assert "rest.message.received.failure" in written() and "NoPermissionError" in written()
    assert marker not in written()
    assert scaled.say("resident-locked-out", "hello")  # and it answers again once Redis does
