"""The widget embedded in another site's page with one <script> tag, as a council would do it: it works from an
allowed origin and is refused by the application from any other (under the CSP watch of the `page` fixture).

The council's page is served by a small server of its own on loopback (another origin: another port). Chromium lets
a page reach loopback addresses only from loopback, so a page the browser made up itself would not do."""

from __future__ import annotations

import http.server
import socket
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from survey.definition import load_definition
from tests.conftest import EMBEDDING_PORT, EMBEDDING_SOCKET
from tests.http_stub import QuietHandler, serve_in_background
from tests.processes import listening_socket
from tests.stack import Stack

pytestmark = pytest.mark.slow


def _council_site(stack: Stack, listening: socket.socket) -> http.server.ThreadingHTTPServer:
    page = f"""<!doctype html><html lang="en"><head><title>Council news</title></head><body>
<h1>Have your say on local policing</h1>
<script src="{stack.web_url}/widget/v1/consult-widget.js" defer></script>
</body></html>""".encode()

    class CouncilPage(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.reply("text/html; charset=utf-8", page)

    server = http.server.ThreadingHTTPServer(listening.getsockname(), CouncilPage, bind_and_activate=False)
    server.socket.close()
    server.socket = listening  # bound and listening since the port was chosen
    return serve_in_background(server)


@pytest.fixture(scope="module")
def allowed_site(stack: Stack) -> Iterator[str]:
    server = _council_site(stack, EMBEDDING_SOCKET)
    yield f"http://127.0.0.1:{EMBEDDING_PORT}"
    server.shutdown()


@pytest.fixture(scope="module")
def other_site(stack: Stack) -> Iterator[str]:
    listening = listening_socket()
    server = _council_site(stack, listening)
    yield f"http://127.0.0.1:{listening.getsockname()[1]}"
    server.shutdown()


def test_a_council_page_embeds_the_widget_with_one_script_tag(page: Page, stack: Stack, allowed_site: str) -> None:
    page.goto(f"{allowed_site}/news")
    page.get_by_role("button", name=load_definition(stack.settings.survey_file).title).click()  # from the survey file
    expect(page.get_by_role("log")).to_contain_text("never recommend a candidate")
    page.get_by_label("Your message").fill("What does the police and crime plan say about the 101 line?")
    page.get_by_label("Your message").press("Enter")
    answer = page.locator(".message.bot").last
    expect(answer.locator(".sources a").first).to_be_visible(timeout=60_000)
    expect(answer).to_contain_text("“")


def test_a_site_not_in_the_allowed_origins_cannot_use_the_assistant(page: Page, other_site: str) -> None:
    refused: list[str] = []
    page.on("requestfailed", lambda request: refused.append(request.url))
    page.goto(f"{other_site}/news")
    page.get_by_role("button", name="Chat with the assistant").click()  # the consultation's title is refused too
    page.get_by_label("Your message").fill("What does the plan say about the 101 line?")
    page.get_by_label("Your message").press("Enter")
    expect(page.locator(".message.bot").last).to_contain_text("can't reach the assistant")
    assert any("/api/chat/" in url for url in refused), refused  # the browser's CORS check stopped the call
