"""The "What residents wrote" page in a real browser: usable from the keyboard alone under the application's CSP, and
no serious accessibility problem (axe-core)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from survey.config import SurveyConfig
from survey.definition import default_definition_path
from survey.officials import add_official
from survey.service import open_survey
from tests.browser.officials import PASSWORD, sign_in
from tests.browser.test_dashboard import _axe_problems
from tests.processes import BIN, free_port, running
from tests.survey.conftest import essex, submit


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("comments-browser")
    config = SurveyConfig(f"sqlite:///{data / 'consult.db'}", b"h" * 40, default_definition_path(), "unused")
    survey = open_survey(config)
    add_official(survey.db, "alice", PASSWORD)
    for number in range(12):
        text = "speeding on our road every night" if number % 3 else "more police on foot in the town centre"
        submit(survey, "web", str(number), essex(survey, comment=f"{text} ({number})"), f"k{number}")
    survey.db.dispose()
    env = {"CONSULT_DATA_DIR": str(data), "CONSULT_ENVIRONMENT": "test", "CONSULT_PEPPER": "h" * 40}
    port = free_port()
    with running([str(BIN / "consult"), "serve", "--port", str(port)], env, f"http://127.0.0.1:{port}/healthz"):
        yield f"http://127.0.0.1:{port}"


def test_search_and_hide_from_the_keyboard_under_the_csp(page: Page, site: str) -> None:
    sign_in(page, site)
    page.get_by_role("link", name="What residents wrote (comment)").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(site + "/dashboard/comments/comment")
    page.get_by_role("searchbox", name="Search").focus()
    page.keyboard.type("police")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=police**")
    assert page.get_by_role("status").inner_text().startswith("4 answers containing")
    reason = page.get_by_label("Reason to hide").first
    reason.focus()
    page.keyboard.type("duplicate")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(site + "/dashboard/comments/comment")
    assert "12 answers, 1 hidden" in page.content()
    assert page.get_by_role("button", name="Show again").count() == 1


def test_no_serious_accessibility_problems_on_the_comments_page(axe_page: Page, site: str) -> None:
    sign_in(axe_page, site)
    axe_page.goto(site + "/dashboard/comments/comment")
    assert _axe_problems(axe_page) == []
    axe_page.goto(site + "/dashboard/comments/comment?group=district:southend")
    assert "not shown" in axe_page.content() and _axe_problems(axe_page) == []
