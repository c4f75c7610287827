"""The dashboard of a survey with every kind of question, in a real browser: every chart drawn under the CSP the
application sends, and no serious accessibility problem (axe-core)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from survey.config import SurveyConfig
from survey.officials import add_official
from survey.service import open_survey
from tests.browser.conftest import AXE
from tests.browser.officials import PASSWORD, sign_in
from tests.processes import BIN, free_port, running
from tests.survey.conftest import FIRE, fire_answers, submit


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """The fire and rescue consultation with 40 answers (two areas, so breakdowns show and suppress), served."""
    data = tmp_path_factory.mktemp("dashboard-browser")
    survey = open_survey(SurveyConfig(f"sqlite:///{data / 'consult.db'}", b"g" * 40, FIRE, "unused"))
    add_official(survey.db, "alice", PASSWORD)
    for number in range(40):
        answers = fire_answers(survey, area="village" if number < 25 else "suburbs", safety="very_safe")
        submit(survey, "web" if number % 3 else "paper", str(number), answers, f"k{number}")
    questions = [q.id for q in survey.definition.asked_questions()]
    survey.db.dispose()
    env = {"CONSULT_DATA_DIR": str(data), "CONSULT_ENVIRONMENT": "test", "CONSULT_PEPPER": "g" * 40}
    env["CONSULT_SURVEY_FILE"] = str(FIRE)
    port = free_port()
    with running([str(BIN / "consult"), "serve", "--port", str(port)], env, f"http://127.0.0.1:{port}/healthz"):
        yield f"http://127.0.0.1:{port}", questions


def test_every_question_gets_its_chart_drawn_under_the_csp(page: Page, site: tuple[str, list[str]]) -> None:
    base, questions = site
    sign_in(page, base)
    page.wait_for_function("() => typeof Chart !== 'undefined' && Chart.getChart('weeks-chart') !== undefined")
    drawn = page.evaluate(
        "(ids) => ids.map((id) => { const c = Chart.getChart('chart-' + id); "
        "return c ? c.data.datasets[0].data.length : 0; })",
        questions,
    )
    assert all(points > 0 for points in drawn), dict(zip(questions, drawn, strict=True))
    assert page.get_by_role("heading", name="By channel").is_visible()
    assert page.get_by_text("Mean score 5.00").is_visible()


def _axe_problems(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_no_serious_accessibility_problems_on_the_dashboard_and_report(
    axe_page: Page, site: tuple[str, list[str]]
) -> None:
    base, _ = site
    sign_in(axe_page, base)
    axe_page.wait_for_function("() => typeof Chart !== 'undefined' && Chart.getChart('weeks-chart') !== undefined")
    problems = {"dashboard": _axe_problems(axe_page)}
    axe_page.goto(base + "/dashboard/report")
    problems["report"] = _axe_problems(axe_page)
    assert problems == {"dashboard": [], "report": []}


def test_wide_breakdown_tables_scroll_from_the_keyboard(page: Page, site: tuple[str, list[str]]) -> None:
    base, _ = site
    sign_in(page, base)
    region = page.locator(".scroll").first
    region.focus()
    assert region.evaluate("(node) => node === document.activeElement")
