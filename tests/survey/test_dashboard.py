"""The officials' dashboard, driven over real HTTP against `consult serve` in its own process."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import time
from base64 import b64encode
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import itsdangerous
import pytest
import yaml
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from bot.settings import Settings
from bot.web import create_app
from survey.config import SurveyConfig
from survey.definition import default_definition_path
from survey.officials import add_official
from survey.service import open_survey
from tests.processes import BIN, free_port, running
from tests.survey.conftest import FIRE, essex, fire_answers, submit

PASSWORD = "a perfectly long password"
PEPPER = "d" * 40
# Open to anyone on purpose: signing in, and the residents' chat (page, widget, API, quoted sources). Every other
# route of the application must refuse a visitor who has not signed in.
PUBLIC = {"/dashboard/sign-in", "/", "/api/chat/widget", "/api/chat/session", "/api/chat/message", "/sources/{doc_id}"}
PUBLIC_PLUMBING = {"/healthz", "/favicon.ico", "/openapi.json"}
STATIC = {"/static/dashboard", "/static/chat", "/widget/v1"}
SECRET_COMMENT = "my neighbour at number nine deals drugs"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("dashboard")
    # A survey whose label starts like a spreadsheet formula, to prove the CSV export neutralises it.
    definition = yaml.safe_load(default_definition_path().read_text())
    definition["questions"][3]["options"][0]["label"] = '=HYPERLINK("http://x")'
    survey_file = data / "survey.yaml"
    survey_file.write_text(yaml.safe_dump(definition))
    env = {
        "CONSULT_DATA_DIR": str(data),
        "CONSULT_ENVIRONMENT": "test",
        "CONSULT_PEPPER": PEPPER,
        "CONSULT_SURVEY_FILE": str(survey_file),
        "CONSULT_SIGN_IN_LIMIT": "5/15minutes",
    }
    config = SurveyConfig(
        database_url=f"sqlite:///{data / 'consult.db'}",
        pepper=PEPPER.encode(),
        definition_path=survey_file,
        session_secret="unused",
    )
    survey = open_survey(config)
    add_official(survey.db, "alice", PASSWORD)
    for number in range(30):
        district = "harlow" if number < 20 else "maldon" if number < 27 else "southend"
        channel = "web" if number < 18 else "telegram"  # 18 on the web, 12 on Telegram: the filter must tell
        answers = essex(
            survey, "visible_policing", "knife_crime", "road_safety", district=district, comment=SECRET_COMMENT
        )
        submit(
            survey, channel, str(number), answers, str(number), dt.datetime(2026, 10, 1 + number % 20, tzinfo=dt.UTC)
        )
    survey.db.dispose()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running([str(BIN / "consult"), "serve", "--port", str(port)], env, f"{base}/healthz"):
        yield base


def _signed_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base)
    page = client.get("/dashboard/sign-in")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    response = client.post("/dashboard/sign-in", data={"name": "alice", "password": PASSWORD, "csrf": token[1]})
    assert response.status_code == 303 and response.headers["location"] == "/dashboard"
    return client


def _protected_routes(data_dir: Path) -> list[tuple[str, str]]:
    """(method, path) of every route the application serves, less the deliberately public ones and static files.
    Since FastAPI 0.137 `app.routes` holds an included router as one opaque entry, so its routes are read through
    iter_route_contexts, which also gives their full (prefixed) paths."""
    app = create_app(Settings(_env_file=None, environment="test", data_dir=data_dir, pepper=PEPPER))
    app.state.survey.db.dispose()
    routes = []
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, Mount):
            assert route.path in STATIC, route.path  # a new mount must be classed as static or not, deliberately
        elif route.path not in PUBLIC | PUBLIC_PLUMBING:
            assert route.path and route.methods, route
            routes += [(method, route.path) for method in sorted(route.methods - {"HEAD"})]
    return routes


def test_every_route_but_the_public_ones_needs_a_signed_in_official(site: str, tmp_path: Path) -> None:
    routes = _protected_routes(tmp_path)
    assert ("GET", "/dashboard/export.csv") in routes and ("POST", "/dashboard/sign-out") in routes
    for method, path in routes:
        response = httpx.request(method, site + path, data={"csrf": "x"} if method == "POST" else None)
        assert response.status_code == 303, (method, path)
        assert response.headers["location"] == "/dashboard/sign-in", (method, path)
        assert "Respondents" not in response.text and "harlow" not in response.text


def test_a_form_without_its_csrf_token_is_refused(site: str) -> None:
    client = httpx.Client(base_url=site)
    client.get("/dashboard/sign-in")
    response = client.post("/dashboard/sign-in", data={"name": "alice", "password": PASSWORD, "csrf": "forged"})
    assert response.status_code == 403


def test_the_dashboard_shows_aggregates_with_suppressed_cells_and_never_comments(site: str) -> None:
    client = _signed_in(site)
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert "<strong>30</strong> respondents" in page.text
    assert "Suppressed: fewer than 10 respondents" in page.text
    assert SECRET_COMMENT not in page.text
    assert "chart.umd.min.js" in page.text and "https://" not in page.text  # charts are served locally
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    report = client.get("/dashboard/report")
    assert "Respondents chose to take part" in report.text and SECRET_COMMENT not in report.text


def test_a_narrow_filter_withholds_results_instead_of_exposing_few_people(site: str) -> None:
    client = _signed_in(site)
    narrow = client.get("/dashboard", params={"since": "2026-10-01", "until": "2026-10-01"})
    assert "Fewer than 10 people answered in this selection" in narrow.text
    assert (
        client.get("/dashboard/export.json", params={"since": "2026-10-01", "until": "2026-10-01"}).json()["overall"]
        is None
    )
    wide = client.get("/dashboard", params={"since": "2026-10-01", "until": "2026-10-31"})
    assert "<strong>30</strong> respondents in this selection" in wide.text
    refused = client.get("/dashboard", params={"since": "not-a-date"})
    assert refused.status_code == 400 and refused.headers["content-type"].startswith("text/html")
    assert "must be a date like 2026-03-01" in refused.text and 'href="/dashboard"' in refused.text
    assert client.get("/dashboard/export.json", params={"since": "not-a-date"}).json()["detail"]


def test_the_channel_filter_narrows_pages_exports_and_weeks(site: str) -> None:
    client = _signed_in(site)
    everyone = client.get("/dashboard/export.json").json()
    assert everyone["weeks"] == [
        {"week": "2026-09-28", "responses": 8},
        {"week": "2026-10-05", "responses": 13},
        {"week": "2026-10-12", "responses": 7},
        {"week": "2026-10-19", "responses": 2},
    ]
    web = client.get("/dashboard/export.json", params={"channel": "web"}).json()
    assert web["filters"]["channel"] == "web" and web["overall"]["respondents"] == 18
    assert web["breakdowns"]["district"]["by"]["groups"]["harlow"]["respondents"] == 18
    assert [w["responses"] for w in web["weeks"]] == [4, 7, 7]
    telegram = client.get("/dashboard/export.json", params={"channel": "telegram"}).json()
    assert telegram["overall"]["respondents"] == 12
    assert telegram["weeks"] == [
        {"week": "2026-09-28", "responses": 4},
        {"week": "2026-10-05", "responses": 6},
        {"week": "2026-10-19", "responses": 2},
    ]
    page = client.get("/dashboard", params={"channel": "telegram"})
    assert "<strong>12</strong> respondents in this selection" in page.text
    assert '<option value="telegram" selected>' in page.text
    assert '<tr><th scope="row">2026-10-05</th><td>6</td></tr>' in page.text
    rows = csv.DictReader(io.StringIO(client.get("/dashboard/export.csv", params={"channel": "web"}).text))
    assert {row["respondents"] for row in rows if row["breakdown"] == "all"} == {"18"}


def test_an_unknown_channel_is_refused_with_the_channels_there_are(site: str) -> None:
    # Ignoring it would show every channel's results under a filter the official believes is applied.
    client = _signed_in(site)
    message = "No responses came through channel 'telegarm'; choose one of: telegram, web"
    for path in ("/dashboard", "/dashboard/report", "/dashboard/export.csv", "/dashboard/export.json"):
        response = client.get(path, params={"channel": "telegarm"})
        assert response.status_code == 400, path
        if path.startswith("/dashboard/export"):  # for programs: JSON
            assert response.json()["detail"] == message
        else:  # for people: the page explains
            assert html.unescape(response.text).count(message) == 1


def test_exports_are_aggregates_and_csv_is_safe_in_spreadsheets(site: str) -> None:
    client = _signed_in(site)
    exported = client.get("/dashboard/export.json").json()
    assert exported["overall"]["respondents"] == 30
    assert exported["breakdowns"]["district"]["by"]["groups"]["harlow"]["respondents"] == 20
    assert (
        exported["breakdowns"]["district"]["by"]["groups"]["maldon"]["suppressed"]
        and exported["breakdowns"]["district"]["by"]["groups"]["southend"]["suppressed"]
    )
    assert SECRET_COMMENT not in str(exported)
    response = client.get("/dashboard/export.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    labels = {row["label"] for row in rows}
    assert '\'=HYPERLINK("http://x")' in labels and '=HYPERLINK("http://x")' not in labels
    maldon = [row for row in rows if row["group"] == "maldon"]
    assert maldon and all(row["respondents"] == "" and row["mentions"] == "" for row in maldon)
    assert {row["breakdown"] for row in rows} == {"all", "district", "age_band", "channel"}
    knife = next(r for r in rows if r["breakdown"] == "all" and r["option"] == "knife_crime")
    assert (knife["kind"], knife["answered"], knife["mentions"], knife["borda"]) == ("ranking", "30", "30", "60")


def test_signing_out_ends_the_session(site: str) -> None:
    client = _signed_in(site)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/dashboard").text)
    assert token
    assert client.post("/dashboard/sign-out", data={"csrf": token[1]}).status_code == 303
    assert client.get("/dashboard").status_code == 303


@contextmanager
def _own_site(tmp_path: Path, **settings: str) -> Iterator[str]:
    """A separate server, for tests that change its settings or leave it in a state others must not see."""
    data = tmp_path / "data"
    env = {"CONSULT_DATA_DIR": str(data), "CONSULT_ENVIRONMENT": "test", "CONSULT_PEPPER": "e" * 40, **settings}
    config = SurveyConfig(
        database_url=f"sqlite:///{data / 'consult.db'}",
        pepper=b"e" * 40,
        definition_path=default_definition_path(),
        session_secret="unused",
    )
    add_official(open_survey(config).db, "alice", PASSWORD)
    port = free_port()
    with running([str(BIN / "consult"), "serve", "--port", str(port)], env, f"http://127.0.0.1:{port}/healthz"):
        yield f"http://127.0.0.1:{port}"


def test_a_wrong_password_is_refused_and_failures_are_rate_limited(tmp_path: Path) -> None:
    with _own_site(tmp_path) as site:
        client = httpx.Client(base_url=site)
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/dashboard/sign-in").text)
        assert token
        for _ in range(5):
            wrong = client.post("/dashboard/sign-in", data={"name": "mallory", "password": "guess", "csrf": token[1]})
            assert wrong.status_code == 401
            assert "do not match an account" in wrong.text
        # The sixth try is refused even with the right password: failures are limited per name and per address.
        blocked = client.post("/dashboard/sign-in", data={"name": "alice", "password": PASSWORD, "csrf": token[1]})
        assert blocked.status_code == 429
        assert "Too many failed sign-ins" in blocked.text


def _session_cookie(session: dict[str, object]) -> dict[str, str]:
    """A session cookie signed now with the server's key, as its session middleware would write it."""
    secret = Settings(_env_file=None, pepper=PEPPER).survey_config().session_secret
    value = itsdangerous.TimestampSigner(secret).sign(b64encode(json.dumps(session).encode())).decode()
    return {"cookie": f"consult_session={value}"}


def test_sessions_expire(site: str) -> None:
    # The cookie is freshly signed, so only the server's own check of when the official signed in can refuse it.
    now = int(time.time())
    fresh = _session_cookie({"official": "alice", "since": now - 60, "csrf": "x"})
    assert httpx.get(site + "/dashboard", headers=fresh).status_code == 200
    stale = _session_cookie({"official": "alice", "since": now - 8 * 3600 - 60, "csrf": "x"})  # lifetime 8 hours
    response = httpx.get(site + "/dashboard", headers=stale)
    assert response.status_code == 303 and response.headers["location"] == "/dashboard/sign-in"
    assert "Respondents" not in response.text


def test_the_second_consultation_gets_a_chart_and_a_table_for_every_kind_and_breakdown(tmp_path: Path) -> None:
    """Nothing in the dashboard knows the policing survey: another office's survey file shows all of its figures."""
    data = tmp_path / "data"
    config = SurveyConfig(f"sqlite:///{data / 'consult.db'}", b"f" * 40, FIRE, "unused")
    survey = open_survey(config)
    add_official(survey.db, "alice", PASSWORD)
    for number in range(20):
        area = "village" if number < 16 else "coast"
        submit(survey, "web", str(number), fire_answers(survey, area=area), f"k{number}")
    survey.db.dispose()
    env = {"CONSULT_DATA_DIR": str(data), "CONSULT_ENVIRONMENT": "test", "CONSULT_PEPPER": "f" * 40}
    env["CONSULT_SURVEY_FILE"] = str(FIRE)
    port = free_port()
    with running([str(BIN / "consult"), "serve", "--port", str(port)], env, f"http://127.0.0.1:{port}/healthz"):
        client = _signed_in(f"http://127.0.0.1:{port}")
        page = client.get("/dashboard").text
        for question in survey.definition.asked_questions():
            assert f'id="chart-{question.id}"' in page and f'id="q-{question.id}-heading"' in page
        for breakdown in ("area", "home", "channel"):
            assert f'id="by-{breakdown}-heading"' in page
        assert "Mean score 4.00" in page  # the scale's mean ("fairly safe" scores 4)
        assert "<td>40.00</td>" in page  # mean points for a fast response
        assert "More visits to older people" not in page  # free text is never shown
        charts = json.loads(html.unescape(re.search(r'id="chart-data">(.*?)</script>', page, re.S)[1]))  # type: ignore[index]
        assert {c["id"] for c in charts["questions"]} == {f"chart-{q.id}" for q in survey.definition.asked_questions()}
        exported = client.get("/dashboard/export.json").json()
        assert set(exported["breakdowns"]) == {"area", "home", "channel"}
        assert exported["overall"]["questions"]["budget"]["options"][0]["mean_points"] == 40.0
        rows = list(csv.DictReader(io.StringIO(client.get("/dashboard/export.csv").text)))
        mean = next(r for r in rows if r["breakdown"] == "all" and r["question"] == "safety" and r["option"] == "")
        assert mean["mean"] == "4.0"
        report = client.get("/dashboard/report").text
        assert "Inspecting buildings and businesses" in report and "Borda points" in report
