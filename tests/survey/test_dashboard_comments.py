"""The "What residents wrote" page over real HTTP against `consult serve`: redacted answers, search, pages, a filter
by breakdown answer that withholds small groups, moderation with CSRF (refused for an answer rewritten since the page
showed it), and the CSV download."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from survey.config import SurveyConfig
from survey.definition import default_definition_path
from survey.hidden import text_digest
from survey.officials import add_official
from survey.service import open_survey
from tests.processes import BIN, free_port, running
from tests.survey.conftest import essex, submit

PASSWORD = "a perfectly long password"
PEPPER = "e" * 40


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("comments-page")


def _config(data: Path) -> SurveyConfig:
    return SurveyConfig(f"sqlite:///{data / 'consult.db'}", PEPPER.encode(), default_definition_path(), "unused")


@pytest.fixture(scope="module")
def site(data: Path) -> Iterator[str]:
    env = {"CONSULT_DATA_DIR": str(data), "CONSULT_ENVIRONMENT": "test", "CONSULT_PEPPER": PEPPER}
    survey = open_survey(_config(data))
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
    reference, text = rows[1][0], rows[1][5]
    assert f'name="shown_digest" value="{text_digest(text)}"' in client.get("/dashboard/comments/comment").text
    form = {"response": reference, "reason": "off topic", "shown_digest": text_digest(text)}
    assert client.post("/dashboard/comments/comment/hide", data=form | {"csrf": "forged"}).status_code == 403
    assert client.post("/dashboard/comments/comment/hide", data=form | {"csrf": csrf, "reason": " "}).status_code == 400
    done = client.post("/dashboard/comments/comment/hide", data=form | {"csrf": csrf})
    assert done.status_code == 303
    assert "30 answers, 1 hidden" in client.get("/dashboard/comments/comment").text
    flagged = list(csv.reader(io.StringIO(client.get("/dashboard/comments/comment/comments.csv").text)))
    assert next(row for row in flagged if row[0] == reference)[4] == "true"
    undo = client.post("/dashboard/comments/comment/hide", data={"response": reference, "undo": "yes", "csrf": csrf})
    assert undo.status_code == 303 and "30 answers, 0 hidden" in client.get("/dashboard/comments/comment").text


def test_an_answer_rewritten_after_the_page_showed_it_is_not_hidden(site: str, data: Path) -> None:
    client, csrf = _signed_in(site)
    read = "answer 1: speeding on our road"
    page = client.get("/dashboard/comments/comment", params={"q": read}).text
    reference = re.search(r'name="response" value="([^"]+)"', page)
    assert reference and text_digest(read) in page
    survey = open_survey(_config(data))  # the resident rewrites the answer while the official reads the page
    submit(survey, "web", "1", essex(survey, comment="answer 1: speeding on our road, and the lorries"), "1-again")
    survey.db.dispose()
    form = {"response": reference[1], "reason": "off topic", "shown_digest": text_digest(read), "csrf": csrf}
    refused = client.post("/dashboard/comments/comment/hide", data=form)
    assert refused.status_code == 409 and "nothing was hidden" in refused.text
    rewritten = client.get("/dashboard/comments/comment", params={"q": "lorries"}).text
    assert "1 answer containing" in rewritten and "30 answers, 0 hidden" in rewritten
