"""The chat widget in headless Chromium, against the real running system (web application, Rasa, action server)."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from itsdangerous import URLSafeTimedSerializer
from playwright.sync_api import Browser, Locator, Page, Route, expect

from index.build import build_index
from index.config import IndexConfig
from index.embedding import Embedder
from knowledge.corpus import add_document, default_corpus_dir
from knowledge.documents import DocumentMeta, Kind
from survey.definition import load_definition
from survey.pseudonyms import sender_id_of_resident
from survey.service import open_survey
from survey.store import stored_answers
from tests.browser.conftest import AXE, OUTPUT, csp_watched_context
from tests.processes import BIN, free_port, running
from tests.stack import Stack

pytestmark = pytest.mark.slow
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>'
# What a focus indicator is drawn with: an outline (not `none`, not zero wide) and the box-shadow.
FOCUS_STYLE = """control => {
    const style = getComputedStyle(control);
    const drawn = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    return {outline: drawn ? `${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}` : 'none',
            boxShadow: style.boxShadow};
}"""


def _launcher(page: Page, stack: Stack) -> Locator:
    """The widget's button, titled with the running consultation's title (from its survey file)."""
    return page.get_by_role("button", name=load_definition(stack.settings.survey_file).title)


def _open_widget(page: Page, stack: Stack) -> None:
    page.goto(stack.web_url + "/")
    _launcher(page, stack).click()
    expect(page.get_by_role("log")).to_contain_text("never recommend a candidate")


def _ask(page: Page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_label("Your message").press("Enter")


def _last_bot(page: Page) -> Any:
    return page.locator(".message.bot").last


def _choose(page: Page, title: str) -> None:
    page.locator(".choice:not([disabled])", has_text=title).first.click()


def _stored(page: Page, stack: Stack) -> dict[str, Any] | None:
    token = page.evaluate("() => Object.entries(sessionStorage).find(([k]) => k.startsWith('consult-session'))[1]")
    serializer = URLSafeTimedSerializer(stack.settings.chat_secret(), salt="consult-chat-session")
    sid = serializer.loads(token)["sid"]
    pepper = stack.settings.resolved_pepper()
    survey = open_survey(stack.settings.survey_config(), upgrade=False)
    try:
        pseudonym = survey.pseudonym_of_sender("web", sender_id_of_resident(pepper, "web", sid))
        stored = stored_answers(survey.db, pseudonym, survey.definition)
        return {**stored.answers.values, "channel": stored.channel} if stored else None
    finally:
        survey.db.dispose()


def _assert_visible_focus(control: Locator, unfocused: dict[str, str]) -> None:
    """The keyboard-focused control draws an outline, or a box-shadow it does not have unfocused (WCAG 2.4.7)."""
    expect(control).to_be_focused()
    focused = control.evaluate(FOCUS_STYLE)
    assert focused["outline"] != "none" or focused["boxShadow"] != unfocused["boxShadow"], (focused, unfocused)


def _axe_problems(page: Page) -> list[dict[str, Any]]:
    page.wait_for_timeout(400)  # let the 150 ms fade-in finish: mid-animation colours are not the real contrast
    page.add_script_tag(path=str(AXE))  # needs `axe_page`: the CSP allows no inline script
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_the_csp_is_enforced_and_a_violation_is_noticed(browser: Browser, stack: Stack) -> None:
    """Guards the guard: the `page` fixture fails a test on a CSP violation only if the CSP is really enforced
    (no bypass_csp) and a violation really reaches the listener."""
    violations: list[str] = []
    context = csp_watched_context(browser, violations)
    try:
        page = context.new_page()
        response = page.goto(stack.web_url + "/")
        assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
        page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1';"
            " document.head.append(s); }"
        )
        page.wait_for_timeout(200)
        assert page.evaluate("() => window.__inline") is None
        assert len(violations) == 1 and "violates the following Content Security Policy directive" in violations[0]
    finally:
        context.close()


def test_a_question_gets_a_cited_answer_whose_citation_opens_the_highlighted_passage(page: Page, stack: Stack) -> None:
    _open_widget(page, stack)
    _ask(page, "What does the police and crime plan say about the 101 non-emergency line?")
    sources = _last_bot(page).locator(".sources a")
    expect(sources.first).to_be_visible(timeout=60_000)
    expect(_last_bot(page)).to_contain_text("“")
    with page.context.expect_page() as opened:
        sources.first.click()
    passage = opened.value
    mark = passage.locator("mark#passage")
    expect(mark).to_be_visible()
    expect(mark).to_contain_text("101 non-emergency call line")
    expect(passage.locator("h1")).to_have_text("Police, Fire and Crime Plan priorities")


def test_what_is_typed_at_once_while_the_greeting_loads_is_sent_in_order(page: Page, stack: Stack) -> None:
    """The first thing most residents do: open the widget and type at once. The greeting is held back until both
    questions are typed, so they are certainly typed while the widget is busy."""
    held: list[Route] = []
    sent: list[str] = []

    def hold_the_greeting(route: Route) -> None:
        text = json.loads(route.request.post_data or "{}").get("text", "")
        sent.append(text)
        if text == "/greet":
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/chat/message", hold_the_greeting)
    page.goto(stack.web_url + "/")
    _launcher(page, stack).click()
    first, second = "What is Vision Zero?", "What does the plan say about the 101 non-emergency line?"
    _ask(page, first)
    _ask(page, second)
    expect(page.locator(".message.user")).to_have_count(2)
    assert len(held) == 1 and sent == ["/greet"]  # the questions wait their turn
    held[0].continue_()
    bots = page.locator(".message.bot")
    expect(bots.nth(2)).to_be_visible(timeout=120_000)
    expect(bots.first).to_contain_text("never recommend a candidate")
    expect(bots.nth(1).locator(".sources a").first).to_be_visible()
    expect(bots.nth(2).locator(".sources a").first).to_be_visible()
    assert sent == ["/greet", first, second]


def test_the_survey_completed_with_the_mouse_is_stored(page: Page, stack: Stack) -> None:
    _open_widget(page, stack)
    _choose(page, "Take the survey")
    _choose(page, "Yes, I'm happy to take part")
    _choose(page, "Chelmsford")
    _choose(page, "55 to 64")
    _choose(page, "Violence against women and girls")
    _choose(page, "Burglary and theft")
    _choose(page, "Road safety")
    _choose(page, "Neither support nor oppose")
    _choose(page, "Skip")
    expect(_last_bot(page)).to_contain_text("Shall I save these answers?")
    _choose(page, "Save my answers")
    expect(_last_bot(page)).to_contain_text("your answers are saved")
    stored = _stored(page, stack)
    assert stored is not None
    assert stored["channel"] == "web" and stored["district"] == "chelmsford" and stored["age_band"] == "55_64"
    assert stored["priorities"] == ("violence_against_women", "neighbourhood_crime", "road_safety")


def test_the_second_consultation_in_the_widget_every_kind(page: Page, fire_stack: Stack) -> None:
    """The fire authority's survey, from its YAML file alone: several picks then Done, a ranking, points typed (a wrong
    total first), a scale, free text; then the resident's data and erasure."""
    _open_widget(page, fire_stack)
    _ask(page, "I want to take the survey")
    _choose(page, "Yes, I'm happy to take part")
    _choose(page, "On the coast")
    _choose(page, "A flat in a block of 6 floors or more")
    expect(_last_bot(page)).to_contain_text("How confident are you")  # show_if: asked of people in high flats
    _choose(page, "Very confident")
    _choose(page, "A working smoke alarm")
    expect(_last_bot(page)).to_contain_text("So far: A working smoke alarm")
    _choose(page, "A fire extinguisher or blanket")
    _choose(page, "Done")
    _choose(page, "People in trouble in the water")
    _choose(page, "Flooding")
    expect(_last_bot(page)).to_contain_text("How many points for Fast response to emergencies?")
    _ask(page, "60 response, 30 prevention, 30 protection")
    expect(page.locator(".message.bot").nth(-2)).to_contain_text("add up to 120 points, not 100")
    _ask(page, "60 response, 30 prevention, 10 protection")
    _choose(page, "Neither safe nor unsafe")
    expect(_last_bot(page)).to_contain_text("anything else")  # typing is ignored while a reply is on its way
    _ask(page, "Check the tower blocks' sprinklers")
    expect(_last_bot(page)).to_contain_text("Shall I save these answers?")
    expect(_last_bot(page)).to_contain_text("1. People in trouble in the water, 2. Flooding")
    _choose(page, "Save my answers")
    expect(_last_bot(page)).to_contain_text("your answers are saved")
    stored = _stored(page, fire_stack)
    assert stored is not None and stored["channel"] == "web"
    assert stored["alarms"] == ("smoke_alarm", "extinguisher") and stored["evacuation"] == "very_confident"
    assert stored["budget"] == {"response": 60, "prevention": 30, "protection": 10, "resilience": 0}
    assert stored["ideas"] == "Check the tower blocks' sprinklers" and stored["safety"] == "neither"
    _ask(page, "delete my data")
    _choose(page, "Yes, delete them")
    expect(_last_bot(page)).to_contain_text("have been deleted")
    assert _stored(page, fire_stack) is None


def test_the_survey_completed_with_the_keyboard_only_is_stored(page: Page, stack: Stack) -> None:
    page.goto(stack.web_url + "/")
    launcher = _launcher(page, stack)
    unfocused_launcher = launcher.evaluate(FOCUS_STYLE)
    for _ in range(10):  # Tab until the launcher has focus: no mouse at all
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id === 'consult-widget'"):
            break
    _assert_visible_focus(launcher, unfocused_launcher)
    page.keyboard.press("Enter")
    expect(page.get_by_role("log")).to_contain_text("never recommend a candidate")
    expect(page.get_by_label("Your message")).to_be_focused()
    page.keyboard.type("I want to take the survey")
    page.keyboard.press("Enter")
    expect(_last_bot(page)).to_contain_text("happy to take part")
    page.keyboard.press("Shift+Tab")  # from the text box back to the newest choices: "No thanks",
    page.keyboard.press("Shift+Tab")  # then "Yes, I'm happy to take part"
    choices = page.locator(".choice:not([disabled])")
    unfocused_choice = choices.filter(has_text="No thanks").evaluate(FOCUS_STYLE)
    _assert_visible_focus(choices.filter(has_text="Yes, I'm happy to take part"), unfocused_choice)
    page.keyboard.press("Enter")
    expect(_last_bot(page)).to_contain_text("Which area")  # after a press, focus is on the first new choice
    page.keyboard.press("Tab")  # Basildon -> Braintree
    page.keyboard.press("Space")
    expect(_last_bot(page)).to_contain_text("age group")
    page.keyboard.press("Enter")  # Under 18
    for prompt in ("top three", "second", "third"):
        expect(_last_bot(page)).to_contain_text(prompt)
        page.keyboard.press("Enter")  # the first priority still offered
    expect(_last_bot(page)).to_contain_text("facial recognition")
    page.keyboard.press("Enter")  # Strongly support
    expect(_last_bot(page)).to_contain_text("anything else")
    page.keyboard.press("Tab")  # past "Skip" to the text box
    page.keyboard.type("More patrols in the evenings please")
    page.keyboard.press("Enter")
    expect(_last_bot(page)).to_contain_text("Shall I save these answers?")
    for _ in range(3):  # Cancel, Change an answer, Save my answers
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(_last_bot(page)).to_contain_text("your answers are saved")
    stored = _stored(page, stack)
    assert stored is not None
    assert (stored["district"], stored["age_band"], stored["facial_recognition"]) == (
        "braintree",
        "under_18",
        "strongly_support",
    )
    assert stored["priorities"] == ("visible_policing", "anti_social_behaviour", "knife_crime")
    assert stored["comment"] == "More patrols in the evenings please"
    page.keyboard.press("Escape")  # and the widget closes from the keyboard too
    expect(_launcher(page, stack)).to_be_focused()


def test_no_serious_accessibility_problems_in_any_state(axe_page: Page, stack: Stack) -> None:
    page = axe_page  # the CSP is off here; the same steps run under it in the tests above
    page.goto(stack.web_url + "/")
    problems = {"closed": _axe_problems(page)}
    _launcher(page, stack).click()
    expect(page.get_by_role("log")).to_contain_text("never recommend a candidate")
    problems["open"] = _axe_problems(page)
    _ask(page, "What do the candidates say about Special Constables?")
    expect(_last_bot(page).locator(".sources a").first).to_be_visible(timeout=60_000)
    problems["answer shown"] = _axe_problems(page)
    _ask(page, "take the survey")
    _choose(page, "Yes, I'm happy to take part")
    expect(_last_bot(page)).to_contain_text("Which area")
    problems["survey question shown"] = _axe_problems(page)
    assert problems == {state: [] for state in problems}


def test_phone_width_reflow_reduced_motion_and_a_screenshot(page: Page, stack: Stack) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.emulate_media(reduced_motion="reduce")
    _open_widget(page, stack)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    box = page.locator(".panel").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert page.locator(".message").first.evaluate("m => getComputedStyle(m).animationName") == "none"
    for button in page.locator("button:visible").all():
        size = button.bounding_box()
        assert size is not None and size["width"] >= 24 and size["height"] >= 24
    page.set_viewport_size({"width": 1280, "height": 900})
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "widget-open.png"))


def test_a_typed_xss_payload_is_shown_as_text_and_runs_nothing(page: Page, stack: Stack) -> None:
    _open_widget(page, stack)
    _ask(page, XSS)
    expect(page.locator(".message.user").last).to_have_text("You: " + XSS)
    expect(_last_bot(page)).to_be_visible()
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__xss") is None
    assert page.locator(".log img, .log script").count() == 0


def test_hostile_text_in_replies_and_citations_is_rendered_as_text(page: Page, stack: Stack) -> None:
    def hostile(route: Route) -> None:
        reply = {
            "text": "Reply " + XSS,
            "kind": "answer",
            "buttons": [{"title": XSS, "payload": "/greet"}],
            "citations": [
                {
                    "n": 1,
                    "doc_id": "x",
                    "title": XSS,
                    "speaker": XSS,
                    "published": None,
                    "section": None,
                    "quote": XSS,
                    "start": 0,
                    "end": 1,
                    "url": None,
                    "link": "javascript:window.__xss=1",
                }
            ],
        }
        route.fulfill(status=200, content_type="application/json", body=json.dumps({"messages": [reply]}))

    _open_widget(page, stack)
    page.route("**/api/chat/message", hostile)
    _ask(page, "anything")
    expect(_last_bot(page)).to_contain_text("Reply <img")
    link = _last_bot(page).locator(".sources a")
    expect(link).to_have_text(XSS)
    assert link.get_attribute("href") == "#"
    link.click()
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__xss") is None
    assert page.locator(".log img, .log script").count() == 0


def test_an_xss_payload_inside_a_document_is_shown_as_text(page: Page, tmp_path: Path, embedder: Embedder) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(default_corpus_dir(), corpus)
    text = f"This statement contains markup that must stay text: {XSS} and more words after it."
    add_document(
        corpus,
        DocumentMeta(
            id="hostile", title=f"Hostile {XSS}", kind=Kind.STATEMENT, speaker="<b>Mallory</b>", file="docs/hostile.md"
        ),
        text,
    )
    data = tmp_path / "data"
    build_index(IndexConfig(corpus_dir=corpus, index_dir=data / "index"), embedder)
    port = free_port()
    env = {
        "CONSULT_DATA_DIR": str(data),
        "CONSULT_CORPUS_DIR": str(corpus),
        "CONSULT_ENVIRONMENT": "test",
        "CONSULT_PEPPER": "x" * 40,
    }
    with running(
        [str(BIN / "consult"), "serve", "--port", str(port)], {**os.environ, **env}, f"http://127.0.0.1:{port}/healthz"
    ):
        start = text.index("<img")
        page.goto(f"http://127.0.0.1:{port}/sources/hostile?start={start}&end={start + len(XSS)}")
        expect(page.locator("mark#passage")).to_have_text(XSS)
        expect(page.locator("h1")).to_have_text(f"Hostile {XSS}")
        page.wait_for_timeout(500)
        assert page.evaluate("() => window.__xss") is None
        assert page.locator("main img, main script, main b").count() == 0
        assert re.search("Mallory", page.locator(".attribution").inner_text())
