"""The officials' dashboard, driven over real HTTP against `consult serve` in its own process."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import yaml

from survey.answers import check_answers
from survey.config import SurveyConfig
from survey.definition import default_definition_path
from survey.officials import add_official
from survey.service import open_survey
from survey.store import Submission, submit_response
from tests.processes import BIN, free_port, running

PASSWORD = "a perfectly long password"
PROTECTED = ["/dashboard", "/dashboard/report", "/dashboard/export.csv", "/dashboard/export.json"]
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
        "CONSULT_PEPPER": "d" * 40,
        "CONSULT_SURVEY_FILE": str(survey_file),
        "CONSULT_SIGN_IN_LIMIT": "5/15minutes",
    }
    config = SurveyConfig(
        database_url=f"sqlite:///{data / 'consult.db'}",
        pepper=b"d" * 40,
        definition_path=survey_file,
        session_secret="unused",
    )
    survey = open_survey(config)
    add_official(survey.db, "alice", PASSWORD)
    for number in range(30):
        district = "harlow" if number < 20 else "maldon" if number < 27 else "southend"
        answers = check_answers(
            survey.definition,
            district=district,
            age_band="25_34",
            priorities=["visible_policing", "knife_crime", "road_safety"],
            facial_recognition="oppose",
            comment=SECRET_COMMENT,
        )
        submit_response(
            survey.db,
            Submission(
                respondent=survey.respondent("web", str(number)),
                channel="web",
                survey_id=survey.definition.id,
                notice_version="v1",
                answers=answers,
                key=str(number),
                submitted_at=dt.datetime(2026, 10, 1 + number % 20, tzinfo=dt.UTC),
            ),
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


@pytest.mark.parametrize("path", PROTECTED)
def test_every_page_needs_a_signed_in_official(site: str, path: str) -> None:
    response = httpx.get(site + path)
    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard/sign-in"
    assert "Respondents" not in response.text and "harlow" not in response.text


def test_sign_out_needs_a_session_too(site: str) -> None:
    assert httpx.post(site + "/dashboard/sign-out", data={"csrf": "x"}).status_code == 303


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
    wide = client.get("/dashboard", params={"channel": "web", "since": "2026-10-01", "until": "2026-10-31"})
    assert "<strong>30</strong> respondents in this selection" in wide.text
    assert client.get("/dashboard", params={"since": "not-a-date"}).status_code == 400


def test_exports_are_aggregates_and_csv_is_safe_in_spreadsheets(site: str) -> None:
    client = _signed_in(site)
    exported = client.get("/dashboard/export.json").json()
    assert exported["overall"]["respondents"] == 30
    assert exported["by_district"]["by"]["harlow"]["respondents"] == 20
    assert (
        exported["by_district"]["by"]["maldon"]["suppressed"]
        and exported["by_district"]["by"]["southend"]["suppressed"]
    )
    assert SECRET_COMMENT not in str(exported)
    response = client.get("/dashboard/export.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    labels = {row["label"] for row in rows}
    assert '\'=HYPERLINK("http://x")' in labels and '=HYPERLINK("http://x")' not in labels
    maldon = [row for row in rows if row["group"] == "maldon"]
    assert maldon and all(row["respondents"] == "" and row["mentions"] == "" for row in maldon)


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


def test_sessions_expire(tmp_path: Path) -> None:
    # A session older than its lifetime is refused, even though its cookie is validly signed.
    with _own_site(tmp_path, CONSULT_DASHBOARD_SESSION_HOURS="0.0005") as site:  # 1.8 seconds
        client = _signed_in(site)
        assert client.get("/dashboard").status_code == 200
        time.sleep(2.5)
        assert client.get("/dashboard").status_code == 303
