"""Security and hostile input against the real running system."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

import httpx
import psutil
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.settings import Settings
from bot.web import SECURITY_HEADERS, create_app
from survey.pseudonyms import sender_id_of_resident
from survey.service import open_survey
from survey.store import respondent_data
from tests.stack import Stack

pytestmark = pytest.mark.slow
HEADERS = (
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
    "strict-transport-security",
)


def _session(stack: Stack) -> str:
    token: str = httpx.post(f"{stack.web_url}/api/chat/session").json()["token"]
    return token


def _say(stack: Stack, token: str, text: str) -> httpx.Response:
    return httpx.post(f"{stack.web_url}/api/chat/message", json={"token": token, "text": text}, timeout=60)


def _texts(response: httpx.Response) -> str:
    return " ".join(m["text"] for m in response.json()["messages"])


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/", None, 200),
        ("GET", "/dashboard/sign-in", None, 200),
        ("GET", "/dashboard", None, 303),
        ("GET", "/sources/news-pc-predator-jailed", None, 200),
        ("GET", "/widget/v1/consult-widget.js", None, 200),
        ("POST", "/api/chat/session", None, 200),
        ("GET", "/openapi.json", None, 200),
        # Error responses carry them too: they come from handlers and middleware the pages never pass through.
        ("GET", "/no-such-page", None, 404),
        ("GET", "/api/chat/session", None, 405),
        ("POST", "/api/chat/message", b"x" * (1 << 20), 413),
        ("POST", "/api/chat/message", b'{"token": "t"}', 422),
        ("POST", "/dashboard/sign-in", b"name=" + b"x" * 300, 403),  # no CSRF token: refused before it is read
    ],
)
def test_every_response_carries_the_security_headers(
    stack: Stack, method: str, path: str, body: bytes | None, status: int
) -> None:
    content_type = "application/x-www-form-urlencoded" if path.startswith("/dashboard") else "application/json"
    headers = {"content-type": content_type} if body is not None else {}
    response = httpx.request(method, stack.web_url + path, content=body, headers=headers)
    assert response.status_code == status, response.text
    _assert_security_headers(response.headers)


def test_an_unhandled_error_carries_the_security_headers_too(tmp_path: Path) -> None:
    # Starlette answers an unhandled error outside every middleware. A route that fails is added to an application
    # built here, as none of the running system's routes fails on purpose.
    app = create_app(Settings(_env_file=None, environment="test", data_dir=tmp_path, pepper="s" * 40))

    def fail() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/dashboard/fail", fail)
    response = TestClient(app, raise_server_exceptions=False).get("/dashboard/fail")
    app.state.survey.db.dispose()
    assert response.status_code == 500 and "a bug" not in response.text
    _assert_security_headers(response.headers)
    assert response.headers["cache-control"] == "no-store"


def _assert_security_headers(headers: Mapping[str, str]) -> None:
    for header in HEADERS:
        assert header in headers, header
    for header, value in SECURITY_HEADERS.items():
        assert headers[header] == value, header
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_rasa_and_the_action_server_listen_on_loopback_only(stack: Stack) -> None:
    ports = {stack.settings.rasa_port, stack.settings.actions_port}
    listening = {
        (c.laddr[0], c.laddr[1])
        for c in psutil.net_connections(kind="tcp")
        if c.status == psutil.CONN_LISTEN and len(c.laddr) == 2 and c.laddr[1] in ports
    }
    assert {port for _, port in listening} == ports
    assert {ip for ip, _ in listening} == {"127.0.0.1"}
    outside = [
        a.address
        for addrs in psutil.net_if_addrs().values()
        for a in addrs
        if a.family == socket.AF_INET and not a.address.startswith("127.")
    ]
    for address in outside:
        for port in ports:
            with socket.socket() as probe:
                probe.settimeout(2)
                assert probe.connect_ex((address, port)) != 0, (address, port)


def test_one_resident_cannot_read_or_erase_anothers_answers(stack: Stack) -> None:
    alice, bob = _session(stack), _session(stack)
    for text in (
        "take the survey",
        "/affirm",
        "Rochford",
        "70",
        "rural crime",
        "road safety",
        "fraud",
        "skip",
        "skip",
        "/affirm",
    ):
        last = _say(stack, alice, text)
    assert "your answers are saved" in _texts(last)
    assert "I hold no survey answers" in _texts(_say(stack, bob, "what do you hold about me"))
    _say(stack, bob, "delete my data")
    _say(stack, bob, "/affirm")
    assert "Which area do you live in? Rochford" in _texts(_say(stack, alice, "what do you hold about me"))
    tampered = alice[:-4] + ("AAAA" if not alice.endswith("AAAA") else "BBBB")
    assert _say(stack, tampered, "what do you hold about me").status_code == 401
    # The same number as a Telegram user id is a different resident on another channel.
    survey = open_survey(stack.settings.survey_config(), upgrade=False)
    assert respondent_data(survey.db, survey.pseudonym_of_resident("telegram", "1")) is None
    survey.db.dispose()


def test_erasure_removes_the_answers_and_the_conversation_history(stack: Stack) -> None:
    from bot.chat.sessions import ChatSessions
    from bot.conversations import ConversationHistory

    token = _session(stack)
    for text in (
        "take the survey",
        "/affirm",
        "Maldon",
        "40",
        "drugs",
        "knife crime",
        "fraud",
        "skip",
        "skip",
        "/affirm",
    ):
        _say(stack, token, text)
    sid = ChatSessions(stack.settings.chat_secret(), 3600).session_id(token)
    assert sid is not None
    sender = sender_id_of_resident(stack.settings.resolved_pepper(), "web", sid)
    conversations = ConversationHistory(stack.settings.resolved_tracker_store_url())
    assert conversations.events_of(sender) > 20
    _say(stack, token, "delete my data")
    done = _say(stack, token, "/affirm")
    assert "conversation's history" in _texts(done)
    assert conversations.events_of(sender) == 0
    assert "I hold no survey answers" in _texts(_say(stack, token, "what do you hold about me"))
    conversations.dispose()


@pytest.mark.parametrize(
    "text",
    [
        "   ",
        "\x00\x01\x02",
        "a" * 2000,
        "‮مرحبا كيف حالك‬",
        "🙂" * 500,
        "\u200b\u200b\u200b",
        "DROP TABLE responses;--",
        "{{7*7}} ${7*7} <%= 7*7 %>",
        '/choose{"option":"../../etc/passwd"}',
        '/forget_me{"option":1}',
    ],
)
def test_odd_messages_get_a_clear_reply_never_a_server_error(stack: Stack, text: str) -> None:
    response = _say(stack, _session(stack), text)
    assert response.status_code in (200, 400, 422), response.text
    if response.status_code == 200:
        assert response.json()["messages"], text
    else:
        assert response.json()


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.one_of(
        st.text(max_size=2100),
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=300),
        st.from_regex(r"/[a-z_]{1,20}(\{.{0,60}\})?", fullmatch=True),
    )
)
def test_any_text_through_the_chat_api_gets_a_clear_reply(stack: Stack, text: str) -> None:
    response = _say(stack, _session(stack), text)
    assert response.status_code in (200, 400, 422), response.text
    body = response.json()
    if response.status_code == 200:
        assert body["messages"] and all(isinstance(m["text"], str) for m in body["messages"]), text
    else:
        assert body["error"] and body["code"]


def test_a_10_mb_body_is_refused_without_being_read(stack: Stack) -> None:
    body = b"x" * (10 * 1024 * 1024)
    response = httpx.post(
        f"{stack.web_url}/api/chat/message", content=body, headers={"content-type": "application/json"}, timeout=60
    )
    assert response.status_code == 413
    chunked = httpx.post(
        f"{stack.web_url}/api/chat/message",
        content=iter([body[: 1 << 20]] * 10),
        headers={"content-type": "application/json"},
        timeout=60,
    )
    assert chunked.status_code == 413
    assert httpx.get(f"{stack.web_url}/healthz").status_code == 200


def test_a_slow_client_does_not_hold_up_others(stack: Stack) -> None:
    slow = [socket.create_connection(("127.0.0.1", stack.settings.web_port)) for _ in range(20)]
    try:
        for sock in slow:  # headers that never finish
            sock.sendall(b"POST /api/chat/session HTTP/1.1\r\nHost: x\r\n")
        began = time.monotonic()
        assert httpx.post(f"{stack.web_url}/api/chat/session", timeout=10).status_code == 200
        assert time.monotonic() - began < 5
    finally:
        for sock in slow:
            sock.close()


def test_a_resident_cannot_choose_their_own_sender_id(stack: Stack) -> None:
    # The chat API has no field for it: extra fields are refused, and the sender comes from the signed session.
    response = httpx.post(
        f"{stack.web_url}/api/chat/message",
        json={"token": _session(stack), "text": "hi", "sender": f"web-{uuid.uuid4().hex}"},
    )
    assert response.status_code == 422
