"""Every dashboard form carries its CSRF token: a form posted without it, with a wrong one or with a body the check
cannot read is refused with a clear 403 and changes nothing (here: the official stays signed in). The check is the
default for every unsafe request to the dashboard, so a route added later is refused without a token too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from bot.settings import Settings
from bot.web import create_app
from survey.dashboard.auth import FORM_EXPIRED, SAFE_METHODS
from survey.officials import add_official

NAME, PASSWORD = "alice", "a long enough password for alice"


@pytest.fixture
def official(tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    """A signed-in official's browser and the token of the forms on the dashboard page."""
    with _signed_in(tmp_path) as (client, _before, after):
        yield client, after


@contextmanager
def _signed_in(tmp_path: Path) -> Iterator[tuple[TestClient, str, str]]:
    """An official's browser signed in with the sign-in form's token, and the token of the forms after signing in."""
    app = create_app(Settings(_env_file=None, environment="test", data_dir=tmp_path, pepper="c" * 40))
    add_official(app.state.survey.db, NAME, PASSWORD)
    with TestClient(app, follow_redirects=False) as client:
        before = _token(client.get("/dashboard/sign-in").text)
        signed_in = client.post("/dashboard/sign-in", data={"name": NAME, "password": PASSWORD, "csrf": before})
        assert signed_in.status_code == 303
        yield client, before, _token(client.get("/dashboard").text)
    app.state.survey.db.dispose()


def _token(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:300]
    return found[1]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "application/x-www-form-urlencoded"),  # no token
        (b"csrf=forged", "application/x-www-form-urlencoded"),
        ("csrf=f\u00f6rged".encode(), "application/x-www-form-urlencoded"),  # non-ASCII: asgi-csrf raises on it
        (b"csrf=\xff", "application/x-www-form-urlencoded"),  # not UTF-8
        (b"--x\r\n", "multipart/form-data"),  # no boundary
        (b'{"csrf": "forged"}', "application/json"),
    ],
)
def test_a_form_without_its_token_is_refused_and_changes_nothing(
    official: tuple[TestClient, str], body: bytes, content_type: str
) -> None:
    client, _ = official
    refused = client.post("/dashboard/sign-out", content=body, headers={"content-type": content_type})
    assert refused.status_code == 403 and refused.json() == {"detail": FORM_EXPIRED}
    assert refused.headers["x-frame-options"] == "DENY"  # the refusal carries the security headers too
    assert client.get("/dashboard").status_code == 200  # still signed in


def test_the_form_with_its_token_is_accepted(official: tuple[TestClient, str]) -> None:
    client, token = official
    assert client.post("/dashboard/sign-out", data={"csrf": token}).status_code == 303
    assert client.get("/dashboard").headers["location"] == "/dashboard/sign-in"  # signed out


def test_a_sign_in_posted_without_cookies_is_refused(tmp_path: Path) -> None:
    """No forged sign-in (an attacker's page signing the official in to another account): checked even without
    any cookie, where other forms are simply sent to sign in."""
    app = create_app(Settings(_env_file=None, environment="test", data_dir=tmp_path, pepper="c" * 40))
    add_official(app.state.survey.db, NAME, PASSWORD)
    with TestClient(app, follow_redirects=False) as client:
        response = client.post("/dashboard/sign-in", data={"name": NAME, "password": PASSWORD, "csrf": "forged"})
        assert response.status_code == 403
        assert "consult_session" not in response.cookies
        assert client.put("/dashboard/sign-in", data={"csrf": "forged"}).status_code == 405  # no such form: 405
    app.state.survey.db.dispose()


def test_every_unsafe_dashboard_route_refuses_a_request_without_its_token(official: tuple[TestClient, str]) -> None:
    """Read from the application's routes, so a route added later is held to it without being listed anywhere."""
    client, _ = official
    unsafe = [
        (method, re.sub(r"\{[^}]+\}", "x", route.path))
        for route in iter_route_contexts(client.app.routes)  # type: ignore[attr-defined]
        if route.path and route.path.startswith("/dashboard/")
        for method in sorted((route.methods or set()) - SAFE_METHODS)
    ]
    assert {("POST", "/dashboard/sign-in"), ("POST", "/dashboard/sign-out")} <= set(unsafe), unsafe
    for method, path in unsafe:
        for headers in ({}, {"authorization": "Bearer anything"}):  # asgi-csrf would skip its check for Bearer
            refused = client.request(method, path, data={"reason": "forged"}, headers=headers)
            assert refused.status_code == 403 and refused.json() == {"detail": FORM_EXPIRED}, (method, path, headers)
    assert client.get("/dashboard").status_code == 200  # still signed in: the sign-out form was refused too


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_route_added_later_is_checked_without_being_listed(official: tuple[TestClient, str], method: str) -> None:
    client, token = official
    runs: list[str] = []
    client.app.add_api_route(  # type: ignore[attr-defined]
        "/dashboard/added-later", lambda: runs.append("ran"), methods=[method]
    )
    refused = client.request(method, "/dashboard/added-later", data={"reason": "forged"})
    assert refused.status_code == 403 and refused.json() == {"detail": FORM_EXPIRED} and not runs
    assert client.request(method, "/dashboard/added-later", data={"csrf": token}).status_code == 200 and runs


def test_a_form_token_from_before_sign_in_is_refused_after_it(tmp_path: Path) -> None:
    """Signing in (and out) ends the forms' token: one read before is worthless after."""
    with _signed_in(tmp_path) as (client, before, after):
        assert after != before
        refused = client.post("/dashboard/sign-out", data={"csrf": before})
        assert refused.status_code == 403 and client.get("/dashboard").status_code == 200  # still signed in
        assert client.post("/dashboard/sign-out", data={"csrf": after}).status_code == 303
