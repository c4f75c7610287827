"""Playwright with Debian's Chromium, headless (never `playwright install`).

`page` runs under the Content-Security-Policy the application really sends, and a test fails if any page of its
browser context reports a CSP violation: a widget that only works without the CSP must not pass. Only the axe-core
checks use `axe_page`, which bypasses the CSP for the whole page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
# Chromium reports every blocked script, style, connection or frame on the console: older versions say "Refused to
# execute inline script because it violates the following Content Security Policy directive", newer ones "Executing
# inline script violates the following Content Security Policy directive".
CSP_REPORT = re.compile(r"Content Security Policy|Refused to")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `apt-get install -y chromium` (make test installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


def csp_watched_context(browser: Browser, violations: list[str]) -> BrowserContext:
    """A context that enforces each page's own CSP; the CSP violations reported by any of its pages (popups such as
    an opened citation included) are appended to `violations`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def report(message: ConsoleMessage) -> None:
        if CSP_REPORT.search(message.text):
            where = message.location
            violations.append(f"{message.text} ({where['url']}:{where['lineNumber']})")

    context.on("console", report)
    return context


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    violations: list[str] = []
    context = csp_watched_context(browser, violations)
    yield context.new_page()
    context.close()
    assert violations == [], "the page broke the Content-Security-Policy the application sends"


@pytest.fixture
def axe_page(browser: Browser) -> Iterator[Page]:
    """bypass_csp switches the CSP off for the whole page, the widget's own scripts included: for axe-core only, which
    adds <style> elements (copies of the stylesheets, a `* { pointer-events: all }` rule for its colour-contrast
    checks) that style-src 'self' blocks even when axe is evaluated through the DevTools protocol."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context.new_page()
    context.close()
