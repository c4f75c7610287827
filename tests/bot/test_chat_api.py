"""The widget's API over real HTTP (`consult serve`), without Rasa: sessions, bad input, rate limits, CORS; and with the
whole assistant: a message sent twice with the same id."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import cast

import httpx
import pytest

from bot.chat.routes import ChatService
from bot.chat.sessions import ChatSessions
from bot.relay import RasaRelay
from index.config import IndexConfig
from survey.pseudonyms import sender_id_of_resident
from survey.service import open_survey
from survey.store import respondent_data
from tests.http_stub import QuietHandler, serve_in_background
from tests.processes import BIN, free_port, running
from tests.stack import Stack

ORIGIN = "https://council.example.org"


@contextmanager
def _web_application(
    data: Path, index_config: IndexConfig, settings: dict[str, str]
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`consult serve` on its own, with Rasa "down" (nothing listens on its port) unless the settings say otherwise."""
    port = free_port()
    env = {
        **os.environ,
        "CONSULT_DATA_DIR": str(data),
        "CONSULT_ENVIRONMENT": "test",
        "CONSULT_PEPPER": "c" * 40,
        "CONSULT_RASA_PORT": str(free_port()),
        **settings,
    }
    (data / "index").symlink_to(Path(index_config.index_dir).resolve())
    with running(
        [str(BIN / "consult"), "serve", "--port", str(port)], env, f"http://127.0.0.1:{port}/healthz"
    ) as process:
        yield f"http://127.0.0.1:{port}", process


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, index_config: IndexConfig) -> Iterator[str]:
    settings = {"CONSULT_CHAT_LIMIT_SESSION": "3/minute", "CONSULT_WIDGET_ORIGINS": ORIGIN}
    with _web_application(tmp_path_factory.mktemp("chat-api"), index_config, settings) as (url, _):
        yield url


def _session(api: str) -> str:
    response = httpx.post(f"{api}/api/chat/session")
    assert response.status_code == 200
    token: str = response.json()["token"]
    return token


def test_a_body_that_is_not_json_gets_the_documented_error_format(api: str) -> None:
    """Found by schemathesis: FastAPI's own {"detail": ...} answer broke the chat API's error contract."""
    response = httpx.post(
        f"{api}/api/chat/message", content=b"\x15g\xff{", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json() == {"error": "The request body is not valid JSON.", "code": "invalid_request"}


def test_a_forged_or_expired_session_is_refused(api: str) -> None:
    response = httpx.post(f"{api}/api/chat/message", json={"token": "forged.token.value", "text": "hello"})
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"


@pytest.mark.parametrize(
    "body",
    [
        {"text": "hello"},
        {"token": "x", "text": ""},
        {"token": "x", "text": "a" * 2001},
        {"token": "x", "text": "hi", "extra": 1},
        {"token": "x", "text": "hi", "id": "not valid!"},
    ],
)
def test_bad_requests_get_a_clear_4xx(api: str, body: dict[str, object]) -> None:
    response = httpx.post(f"{api}/api/chat/message", json=body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request" and response.json()["error"]


def test_rasa_down_gives_a_polite_503(api: str) -> None:
    response = httpx.post(f"{api}/api/chat/message", json={"token": _session(api), "text": "hello"})
    assert response.status_code == 503
    assert "try again" in response.json()["error"]


def test_messages_are_rate_limited_per_session(api: str) -> None:
    token = _session(api)
    codes = [httpx.post(f"{api}/api/chat/message", json={"token": token, "text": "hi"}).status_code for _ in range(4)]
    assert codes[:3] == [503, 503, 503] and codes[3] == 429
    limited = httpx.post(f"{api}/api/chat/message", json={"token": token, "text": "hi"})
    assert limited.headers["retry-after"] and "wait" in limited.json()["error"]
    assert httpx.post(f"{api}/api/chat/message", json={"token": _session(api), "text": "hi"}).status_code == 503


def test_retries_of_one_message_during_an_outage_are_not_rate_limited(api: str) -> None:
    """The widget resends a message with the same id while the assistant restarts: the resident must not be told to
    slow down by our own restart. A new message (or the same id with other text) still counts."""
    token = _session(api)
    retry = {"token": token, "text": "hi", "id": "retried1"}
    codes = [httpx.post(f"{api}/api/chat/message", json=retry).status_code for _ in range(6)]
    assert codes == [503] * 6
    others = [{"token": token, "text": "hi", "id": f"other{n}"} for n in range(3)]
    others.append({"token": token, "text": "something else", "id": "retried1"})
    codes = [httpx.post(f"{api}/api/chat/message", json=body).status_code for body in others]
    assert codes == [503, 503, 429, 429]  # an allowance of 3 a minute: "retried1" took one


def test_a_message_that_was_answered_counts_again_when_sent_again() -> None:
    """Only retries after a failed attempt are free: repeating an answered message cannot escape the allowance."""
    sessions = ChatSessions("s" * 32, 60)
    chat = ChatService(cast(RasaRelay, None), sessions, pepper=b"p", documents={}, per_session="2/minute")
    assert chat.allow_message("session", "m1", "hi")
    assert chat.allow_message("session", "m1", "hi")  # the first attempt failed: the retry is free
    chat.answered("session", "m1", "hi")
    assert chat.allow_message("session", "m1", "hi")  # answered, then sent again: the second of two
    chat.answered("session", "m1", "hi")
    assert not chat.allow_message("session", "m1", "hi")
    assert not chat.allow_message("session", "m2", "hello")


def test_only_configured_origins_may_call_the_api(api: str) -> None:
    allowed = httpx.options(
        f"{api}/api/chat/session", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    )
    assert allowed.headers.get("access-control-allow-origin") == ORIGIN
    refused = httpx.options(
        f"{api}/api/chat/session",
        headers={"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in refused.headers


def test_passage_pages(api: str) -> None:
    page = httpx.get(f"{api}/sources/pfcc-police-fire-crime-plan", params={"start": 0, "end": 20})
    assert page.status_code == 200 and '<mark id="passage"' in page.text
    assert httpx.get(f"{api}/sources/no-such-document").status_code == 404
    out_of_range = httpx.get(f"{api}/sources/pfcc-police-fire-crime-plan", params={"start": 5, "end": 10**9})
    assert out_of_range.status_code == 200 and "<mark" not in out_of_range.text
    assert (
        httpx.get(f"{api}/widget/v1/consult-widget.js")
        .headers["content-type"]
        .startswith(("application/javascript", "text/javascript"))
    )


@pytest.fixture(scope="module")
def proxied_api(tmp_path_factory: pytest.TempPathFactory, index_config: IndexConfig) -> Iterator[str]:
    """The web application behind a reverse proxy on this machine, with a small per-address allowance."""
    settings = {"CONSULT_CHAT_LIMIT_ADDRESS": "4/minute", "CONSULT_TRUSTED_PROXIES": "127.0.0.1"}
    with _web_application(tmp_path_factory.mktemp("chat-api-proxied"), index_config, settings) as (url, _):
        yield url


def test_requests_are_limited_per_client_address_forged_tokens_included(proxied_api: str) -> None:
    def send(client: str) -> int:
        body = {"token": "forged.token.value", "text": "hello"}
        headers = {"X-Forwarded-For": client}
        return httpx.post(f"{proxied_api}/api/chat/message", json=body, headers=headers).status_code

    assert [send("203.0.113.7") for _ in range(5)] == [401, 401, 401, 401, 429]
    assert send("198.51.100.9") == 401  # another resident behind the same proxy is not held up


class _RasaAnswering(QuietHandler):
    """Rasa's REST webhook answering whatever the test sets as `server.messages`: here, what an action server gone
    wrong (or an incompatible one) would make Rasa send."""

    server: _StandInRasa

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.reply("application/json", json.dumps(self.server.messages).encode())


class _StandInRasa(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _RasaAnswering)
        self.messages: list[dict[str, object]] = []


MALFORMED: dict[str, object] = {
    "recipient_id": "r",
    "custom": {"text": "Quoted: the plan", "citations": [{"n": "first", "doc_id": "x"}]},
}
WELL_FORMED: dict[str, object] = {
    "recipient_id": "r",
    "custom": {"text": "Anything else?", "buttons": [{"title": "Yes", "payload": "/y"}]},
}


def test_a_malformed_reply_is_refused_at_the_relay_and_the_resident_gets_the_polite_fallback(
    tmp_path: Path, index_config: IndexConfig
) -> None:
    rasa = serve_in_background(_StandInRasa())
    settings = {"CONSULT_RASA_PORT": str(rasa.server_port)}
    try:
        with _web_application(tmp_path, index_config, settings) as (api, process):
            rasa.messages = [MALFORMED]
            alone = httpx.post(f"{api}/api/chat/message", json={"token": _session(api), "text": "my question"})
            rasa.messages = [MALFORMED, WELL_FORMED]
            mixed = httpx.post(f"{api}/api/chat/message", json={"token": _session(api), "text": "my question"})
    finally:
        rasa.shutdown()
        rasa.server_close()
    assert alone.status_code == 503 and "try again" in alone.json()["error"]
    assert mixed.status_code == 200
    assert mixed.json()["messages"] == [
        {"text": "Anything else?", "buttons": [{"title": "Yes", "payload": "/y"}], "citations": [], "kind": None}
    ]
    assert process.stderr is not None
    log = process.stderr.read().decode()
    assert log.count("malformed_reply") == 2 and "citations.0.n" in log  # which reply, and where it went wrong
    assert "Quoted: the plan" not in log and "my question" not in log  # never what was said


SURVEY_TO_SUMMARY = ["take the survey", "/affirm", "Tendring", "52", "rural crime", "road safety", "fraud", "support"]


@pytest.mark.slow
def test_the_same_message_id_sent_twice_and_at_once_is_relayed_once(stack: Stack) -> None:
    """A retried message (same id) gets the first one's replies; the assistant sees it once, so a vote confirmed
    twice is stored once and the second copy is not read as a new message."""

    def say(token: str, text: str, message_id: str) -> str:
        body = {"token": token, "text": text, "id": message_id}
        response = httpx.post(f"{stack.web_url}/api/chat/message", json=body, timeout=120)
        assert response.status_code == 200, response.text
        return " ".join(m["text"] for m in response.json()["messages"])

    token = httpx.post(f"{stack.web_url}/api/chat/session").json()["token"]
    for number, text in enumerate(SURVEY_TO_SUMMARY):
        say(token, text, f"m{number}")
    assert "Shall I save these answers?" in say(token, "skip", "comment")
    with ThreadPoolExecutor(2) as pool:
        at_once = list(pool.map(lambda _: say(token, "/affirm", "confirm"), range(2)))
    again = say(token, "/affirm", "confirm")
    assert all("your answers are saved" in reply for reply in [*at_once, again]), (at_once, again)

    sid = ChatSessions(stack.settings.chat_secret(), 3600).session_id(token)
    sender = sender_id_of_resident(stack.settings.resolved_pepper(), "web", str(sid))
    tracker = httpx.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": stack.token, "include_events": "ALL"},
        timeout=30,
    ).json()
    # Turns carried into a new session repeat their events with the same message id: count distinct messages.
    confirmations = {e["message_id"] for e in tracker["events"] if e["event"] == "user" and e.get("text") == "/affirm"}
    assert len(confirmations) == 2  # the consent, and the confirmation once
    survey = open_survey(stack.settings.survey_config(), upgrade=False)
    try:
        assert respondent_data(survey.db, survey.pseudonym_of_sender("web", sender)) is not None
    finally:
        survey.db.dispose()
