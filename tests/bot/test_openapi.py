"""schemathesis against the web application's own OpenAPI description: no server errors, no schema or status code
violations, over every operation of the chat API (with valid session tokens) and of the officials' dashboard (with a
signed-in official's cookie and CSRF token; tests/bot/schemathesis_hooks.py). Each run also checks, from the recorded
traffic, that the fuzzing got past the session checks: a run stopped at the door would conform and prove nothing."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from bot.chat.sessions import ChatSessions
from survey.definition import QuestionKind
from survey.officials import add_official
from survey.pseudonyms import sender_id_of_resident
from survey.service import open_survey
from tests.processes import BIN
from tests.stack import Stack

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("schemathesis.toml")
VISITOR_CONFIG = Path(__file__).with_name("schemathesis-visitor.toml")  # a visitor is sent to sign in first
OFFICIAL, PASSWORD = "fuzzing-official", "a long enough password for the fuzzing official"


@dataclass(frozen=True)
class SignedIn:
    cookie: str
    csrf: str


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    status: int


@dataclass(frozen=True)
class Run:
    returncode: int
    output: str
    exchanges: list[Exchange]

    def statuses(self, method: str, path: str) -> set[int]:
        return {e.status for e in self.exchanges if e.method == method and e.path == path}


@pytest.fixture(scope="module")
def official(stack: Stack) -> None:
    survey = open_survey(stack.settings.survey_config(), upgrade=False)
    add_official(survey.db, OFFICIAL, PASSWORD)
    survey.db.dispose()


@pytest.fixture
def signed_in(stack: Stack, official: None) -> Iterator[SignedIn]:
    """A session of its own for each run (signing out in one cannot end another's). The fuzzed sign-in form soon
    has this address refused for 15 minutes, so afterwards the web application restarts and forgets it."""
    yield _sign_in(stack)
    stack.restart("web")


def test_the_chat_api_and_the_signed_in_dashboard_keep_their_contract(
    stack: Stack, signed_in: SignedIn, tmp_path: Path
) -> None:
    tokens = [httpx.post(f"{stack.web_url}/api/chat/session").json()["token"] for _ in range(10)]
    questions = _text_questions(stack)
    run = _schemathesis(
        stack, tmp_path, signed_in, ["--exclude-path", "/dashboard/sign-out"], CONSULT_TEST_TOKENS=",".join(tokens)
    )
    assert run.returncode == 0, run.output
    operations = _operations(stack)
    assert {"chat", "dashboard"} <= set(operations.values()), operations
    assert f"Tested: {len(operations) - 1}" in run.output  # every operation but signing out
    assert _messages_that_reached_the_assistant(stack, tokens) > 0, run.output
    # Signed in: every page and export was shown, not only the sign-in redirect.
    for path in ("/dashboard", "/dashboard/report", "/dashboard/export.json", "/dashboard/export.csv"):
        assert 200 in run.statuses("GET", path), path
    for question in questions:
        assert 200 in run.statuses("GET", f"/dashboard/comments/{question}")
        assert 200 in run.statuses("GET", f"/dashboard/comments/{question}/comments.csv")
    # The CSRF token was accepted: hiding got past the form check to the answer's own check (or did it).
    hidden = set().union(*(run.statuses("POST", f"/dashboard/comments/{q}/hide") for q in questions))
    assert hidden & {303, 400}, hidden


def test_signing_in_and_out_keeps_its_contract(stack: Stack, signed_in: SignedIn, tmp_path: Path) -> None:
    run = _schemathesis(stack, tmp_path, signed_in, ["--include-path-regex", "^/dashboard/sign-(in|out)$"])
    assert run.returncode == 0, run.output
    assert "Tested: 3" in run.output
    assert 401 in run.statuses("POST", "/dashboard/sign-in")  # a valid form reached the password check
    assert 303 in run.statuses("POST", "/dashboard/sign-out")  # a valid form signed out
    assert 303 in run.statuses("GET", "/dashboard/sign-in")  # the sign-in page sends a signed-in official on


def test_the_dashboard_keeps_its_contract_for_a_visitor_who_has_not_signed_in(stack: Stack, tmp_path: Path) -> None:
    run = _schemathesis(stack, tmp_path, None, ["--include-tag", "dashboard"], config=VISITOR_CONFIG)
    assert run.returncode == 0, run.output
    assert f"Tested: {list(_operations(stack).values()).count('dashboard')}" in run.output
    shown = {e.path for e in run.exchanges if e.status == 200}
    assert shown == {"/dashboard/sign-in"}, shown  # nothing else is shown without signing in


def _schemathesis(
    stack: Stack, tmp_path: Path, official: SignedIn | None, selection: list[str], config: Path = CONFIG, **env: str
) -> Run:
    har = tmp_path / "traffic.har"
    signed_in = {"CONSULT_TEST_SESSION_COOKIE": official.cookie, "CONSULT_TEST_CSRF": official.csrf} if official else {}
    result = subprocess.run(
        [
            str(BIN / "schemathesis"),
            "--config-file",
            str(config),
            "run",
            f"{stack.web_url}/openapi.json",
            *selection,
            "--checks",
            "all",
            "--max-examples",
            "30",
            "--request-timeout",
            "60",
            "--seed",
            "1",
            "--report",
            "har",
            "--report-har-path",
            str(har),
        ],
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
        cwd=REPO,
        env={
            **os.environ,
            "SCHEMATHESIS_HOOKS": "tests.bot.schemathesis_hooks",
            "CONSULT_TEST_QUESTIONS": ",".join(_text_questions(stack)),
            "PYTHONPATH": str(REPO),
            **signed_in,
            **env,
        },
    )
    entries: list[dict[str, Any]] = json.loads(har.read_text())["log"]["entries"] if har.exists() else []
    exchanges = [
        Exchange(e["request"]["method"], urlsplit(e["request"]["url"]).path, int(e["response"]["status"]))
        for e in entries
    ]
    return Run(result.returncode, result.stdout[-6000:] + result.stderr[-2000:], exchanges)


def _operations(stack: Stack) -> dict[tuple[str, str], str]:
    """(method, path) -> tag of every operation in the application's OpenAPI description."""
    description = httpx.get(f"{stack.web_url}/openapi.json").json()
    return {
        (method.upper(), path): (operation.get("tags") or [""])[0]
        for path, methods in description["paths"].items()
        for method, operation in methods.items()
    }


def _sign_in(stack: Stack) -> SignedIn:
    with httpx.Client(base_url=stack.web_url) as client:
        form = client.get("/dashboard/sign-in").text
        response = client.post("/dashboard/sign-in", data={"name": OFFICIAL, "password": PASSWORD, "csrf": _csrf(form)})
        assert response.status_code == 303, response.text
        page = client.get("/dashboard")  # signing in starts a new session, with a new CSRF token
        assert page.status_code == 200
        return SignedIn(client.cookies["consult_session"], _csrf(page.text))


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:500]
    return found[1]


def _text_questions(stack: Stack) -> list[str]:
    survey = open_survey(stack.settings.survey_config(), upgrade=False)
    try:
        return [q.id for q in survey.definition.questions if q.kind is QuestionKind.TEXT]
    finally:
        survey.db.dispose()


def _messages_that_reached_the_assistant(stack: Stack, tokens: list[str]) -> int:
    sessions = ChatSessions(stack.settings.chat_secret(), 3600)
    reached = 0
    for token in tokens:
        sender = sender_id_of_resident(stack.settings.resolved_pepper(), "web", str(sessions.session_id(token)))
        response = httpx.get(
            f"{stack.rasa_url}/conversations/{sender}/tracker",
            params={"token": stack.token, "include_events": "ALL"},
            timeout=30,
        )
        reached += sum(1 for event in response.json().get("events") or [] if event["event"] == "user")
    return reached
