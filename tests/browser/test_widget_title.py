"""The widget and the demo page take the consultation's wording from its survey file: run with the second
consultation (the web application alone: nothing here needs the assistant), they show its title, not the first's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from survey.definition import default_definition_path, load_definition
from tests.conftest import FIRE_SURVEY
from tests.processes import BIN, free_port, running

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fire_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    env = {
        "CONSULT_DATA_DIR": str(tmp_path_factory.mktemp("fire-web")),
        "CONSULT_ENVIRONMENT": "test",
        "CONSULT_PEPPER": "t" * 40,
        "CONSULT_SURVEY_FILE": str(FIRE_SURVEY),
        "CONSULT_WEB_PORT": str(port),
    }
    url = f"http://127.0.0.1:{port}"
    with running([str(BIN / "consult"), "serve"], env, ready_url=f"{url}/api/chat/widget"):
        yield url


def _words(path: Path) -> set[str]:
    return {word.casefold() for word in load_definition(path).title.split() if len(word) > 4}


def test_the_widget_and_demo_page_are_titled_from_the_running_consultation(page: Page, fire_web: str) -> None:
    fire = load_definition(FIRE_SURVEY)
    assert httpx.get(f"{fire_web}/api/chat/widget").json() == {"title": fire.title}
    page.goto(fire_web + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(fire.title)
    launcher = page.get_by_role("button", name=fire.title)
    expect(launcher).to_be_visible()
    launcher.click()
    expect(page.get_by_role("region", name=fire.title)).to_be_visible()
    expect(page.locator("#consult-widget").locator("h2")).to_have_text(fire.title)
    # Nothing of the first consultation's wording is left on the page or in the widget.
    shown = (page.locator("body").inner_text() + page.locator("#consult-widget").inner_text()).casefold()
    leftovers = sorted(w for w in _words(default_definition_path()) - _words(FIRE_SURVEY) if w in shown)
    assert leftovers == []


def test_a_host_page_may_still_give_its_own_title(page: Page, fire_web: str) -> None:
    page.goto(fire_web + "/")  # the application's origin, so the widget may call it
    page.evaluate(
        """() => { delete window.__consultWidget; document.getElementById('consult-widget').remove();
        const s = document.createElement('script'); s.src = '/widget/v1/consult-widget.js';
        s.setAttribute('data-consult-title', 'Talk to us'); document.body.appendChild(s); }"""
    )
    expect(page.get_by_role("button", name="Talk to us")).to_be_visible()
