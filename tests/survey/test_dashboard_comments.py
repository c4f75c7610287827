"""The "What residents wrote" page over real HTTP against `consult serve`: redacted answers, search, pages, a filter
by breakdown answer that withholds small groups, moderation with CSRF, and the CSV download."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator

import httpx
import pytest

from survey.config import SurveyConfig
from survey.definition import default_definition_path
from survey.officials import add_official
from survey.service import open_survey
from tests.processes import BIN, free_port, running
from tests.survey.conftest import essex, submit

PASSWORD = "a perfectly long password"
PEPPER = "e" * 40


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("comments-page")
    env = {"CONSULT_DATA_DIR": str(data), "CONSULT_ENVIRONMENT": "test", "CONSULT_PEPPER": PEPPER}
    config = SurveyConfig(f"sqlite:///{data / 'consult.db'}", PEPPER.encode(), default_definition_path(), "unused")
    survey = open_survey(config)
    add_official(survey.db, "alice", PASSWORD)
    for number in range(30):
        district = "harlow" if number < 27 else "southend"
        text = (
            f"answer {number}: speeding on our road" if number % 2 else f"answer {number}: call 07700 900{number:03d}"
        )
        answers = essex(survey, district=district, comment=text)
        submit(survey, "web", str(number), answers, str(number), dt.datetime(2026, 10, 1, number % 24, tzinfo=dt.UTC))
    survey.db.dispose()
    port = free_port()
    with running([str(BIN / "consult"), "serve", "--port", str(port)], env, f"http://127.0.0.1:{port}/healthz"):
        yield f"http://127.0.0.1:{port}"


def _signed_in(base: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/dashboard/sign-in").text)
    assert token
    client.post("/dashboard/sign-in", data={"name": "alice", "password": PASSWORD, "csrf": token[1]})
    fresh = re.search(r'name="csrf" value="([^"]+)"', client.get("/dashboard/comments/comment").text)
    assert fresh  # signing in starts a new session with a new token
    return client, fresh[1]


def test_officials_read_search_and_page_through_redacted_answers(site: str) -> None:
    client, _ = _signed_in(site)
    assert "/dashboard/comments/comment" in client.get("/dashboard").text
    page = client.get("/dashboard/comments/comment")
    assert page.status_code == 200 and "30 answers, 0 hidden" in page.text
    assert "[phone removed]" in page.text and "07700" not in page.text
    assert "page 1 of 2" in page.text and page.text.count("<tr>") == 26  # header row + 25 answers
    second = client.get("/dashboard/comments/comment", params={"page": 2})
    assert second.text.count("<tr>") == 6
    found = client.get("/dashboard/comments/comment", params={"q": "SPEEDING"})
    assert "15 answers containing" in found.text and "[phone removed]" not in found.text
    assert client.get("/dashboard/comments/district").status_code == 404


def test_a_small_group_is_withheld(site: str) -> None:
    client, _ = _signed_in(site)
    harlow = client.get("/dashboard/comments/comment", params={"group": "district:harlow"})
    assert "27 answers" in harlow.text
    southend = client.get("/dashboard/comments/comment", params={"group": "district:southend"})
    assert "their answers are not shown" in southend.text and "answer 28" not in southend.text
    assert client.get("/dashboard/comments/comment", params={"group": "comment:x"}).status_code == 400


def test_moderation_needs_csrf_and_a_reason_and_the_csv_flags_hidden_answers(site: str) -> None:
    client, csrf = _signed_in(site)
    rows = list(csv.reader(io.StringIO(client.get("/dashboard/comments/comment/comments.csv").text)))
    assert rows[0] == ["response", "channel", "submitted_at", "theme", "hidden", "text"] and len(rows) == 31
    reference = rows[1][0]
    form = {"response": reference, "reason": "off topic"}
    assert client.post("/dashboard/comments/comment/hide", data=form | {"csrf": "forged"}).status_code == 403
    assert client.post("/dashboard/comments/comment/hide", data=form | {"csrf": csrf, "reason": " "}).status_code == 400
    done = client.post("/dashboard/comments/comment/hide", data=form | {"csrf": csrf})
    assert done.status_code == 303
    assert "30 answers, 1 hidden" in client.get("/dashboard/comments/comment").text
    flagged = list(csv.reader(io.StringIO(client.get("/dashboard/comments/comment/comments.csv").text)))
    assert next(row for row in flagged if row[0] == reference)[4] == "true"
    undo = client.post("/dashboard/comments/comment/hide", data={"response": reference, "undo": "yes", "csrf": csrf})
    assert undo.status_code == 303 and "30 answers, 0 hidden" in client.get("/dashboard/comments/comment").text
