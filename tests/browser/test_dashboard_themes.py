"""Themes on the "What residents wrote" page, in a real browser under the application's CSP: a chart with the same
figures as its table, each theme opening (from the keyboard) to its representative answers and its own searchable
list, no examples for a theme under min_group_size, and a stale-themes notice naming the command once answers change.
Themes are computed as `consult survey themes` computes them, into the cache the web process only reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from index.embedding import Embedder
from survey.comments import answer_themes, written_answers
from survey.comments_cache import theme_cache, themes_scope
from survey.config import SurveyConfig
from survey.definition import default_definition_path
from survey.officials import add_official
from survey.service import Survey, open_survey
from tests.browser.officials import PASSWORD, sign_in
from tests.browser.test_dashboard import _axe_problems
from tests.processes import BIN, free_port, running
from tests.survey.conftest import essex, submit

SPEEDING = "cars speeding down our road at night"
BINS = "the bins were not collected again this week"
PEPPER = b"t" * 40


def _survey(data: Path) -> Survey:
    config = SurveyConfig(
        f"sqlite:///{data / 'consult.db'}", PEPPER, default_definition_path(), "unused", themes_dir=data / "themes"
    )
    return open_survey(config)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[tuple[str, Path]]:
    data = tmp_path_factory.mktemp("themes-browser")
    survey = _survey(data)
    add_official(survey.db, "alice", PASSWORD)
    texts = [f"{SPEEDING} ({n})" for n in range(14)] + [f"{BINS} ({n})" for n in range(12)] + ["my cat is ginger"]
    for number, text in enumerate(texts):
        submit(survey, "web", str(number), essex(survey, comment=text), f"k{number}")
    answers = written_answers(survey.db, survey.definition, "comment", survey.pepper)
    scope = themes_scope(survey.definition.id, "comment")
    answer_themes(answers, embedder, survey.definition.min_group_size, theme_cache(survey), scope)
    survey.db.dispose()
    env = {"CONSULT_DATA_DIR": str(data), "CONSULT_ENVIRONMENT": "test", "CONSULT_PEPPER": PEPPER.decode()}
    port = free_port()
    with running([str(BIN / "consult"), "serve", "--port", str(port)], env, f"http://127.0.0.1:{port}/healthz"):
        yield f"http://127.0.0.1:{port}", data


def test_a_theme_opens_from_the_keyboard_to_its_examples_and_answers(page: Page, site: tuple[str, Path]) -> None:
    base, _data = site
    sign_in(page, base)
    page.goto(base + "/dashboard/comments/comment")
    table = page.get_by_role("table", name="Themes, largest first")
    rows = table.locator("tbody tr")
    assert rows.count() >= 2
    drawn = page.evaluate("() => Chart.getChart('themes-chart').data.datasets[0].data")
    counted = [int(rows.nth(i).locator("td").first.inner_text()) for i in range(rows.count() - 1)]
    assert drawn == counted and sum(counted) == 26  # the chart shows the table's figures
    assert "fewer than 10" in rows.last.inner_text()  # "other": one answer, no count and no link
    assert rows.last.get_by_role("link").count() == 0

    speeding = table.get_by_role("link").first
    speeding.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**theme=theme-1")
    assert page.get_by_role("heading", level=2).filter(has_text="Theme:").inner_text().startswith("Theme: ")
    examples = page.locator("ul.examples li").all_inner_texts()
    assert len(examples) == 3 and all(SPEEDING in example for example in examples)
    assert page.get_by_role("status").inner_text().startswith("14 answers")

    page.get_by_role("searchbox", name="Search").focus()
    page.keyboard.type("(1")  # "(1)" and "(10)" to "(13)": the search stays inside the theme
    page.keyboard.press("Enter")
    page.wait_for_url("**q=%281**")
    assert page.get_by_role("status").inner_text().startswith("5 answers containing")
    assert all(SPEEDING in text for text in page.locator("table.answers tbody td:nth-child(3)").all_inner_texts())


def test_no_serious_accessibility_problems_with_themes(axe_page: Page, site: tuple[str, Path]) -> None:
    base, _data = site
    sign_in(axe_page, base)
    for address in ("/dashboard/comments/comment", "/dashboard/comments/comment?theme=theme-1"):
        axe_page.goto(base + address)
        assert _axe_problems(axe_page) == []


def test_themes_are_reported_stale_once_an_answer_is_added(page: Page, site: tuple[str, Path]) -> None:
    base, data = site
    survey = _survey(data)
    submit(survey, "web", "late", essex(survey, comment="street lights are out on our road"), "k-late")
    survey.db.dispose()
    sign_in(page, base)
    page.goto(base + "/dashboard/comments/comment")
    notice = page.locator("#themes-heading + p.notice").inner_text()
    assert "The answers changed since themes were computed" in notice and "consult survey themes comment" in notice
    assert page.get_by_role("table", name="Themes, largest first").count() == 0
    page.goto(base + "/dashboard/comments/comment?theme=theme-1")  # an old link lists nothing rather than a guess
    assert "That theme is no longer there" in page.content()
