"""How replies look on Telegram: escaped HTML, a numbered source list, phone-friendly keyboards, split long replies."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.reply_payload import Button, Citation, Reply
from bot.telegram.callbacks import MAX_TOKENS, CallbackRegistry, Refusal
from bot.telegram.render import LIMIT, render_turn

CITATION = {
    "n": 1,
    "doc_id": "plan",
    "title": "Plan <2025> & more",
    "speaker": "Jo <b>Doe</b>",
    "published": None,
    "start": 10,
    "end": 20,
}


def cited(fields: dict[str, Any]) -> Citation:
    """A citation with these fields, the others as the answer pipeline fills them."""
    filled = {"doc_id": "doc", "speaker": None, "published": None, "section": None, "quote": "A quote", "url": None}
    return Citation.model_validate({**filled, "start": 0, "end": 7, "score": 1.0, **fields})


def test_text_and_citations_are_escaped_and_numbered() -> None:
    reply = Reply(text="Quote: “a < b & c” <script>alert(1)</script>", citations=[cited(CITATION)])
    [message] = render_turn([reply], lambda b: "t", lambda c: "https://example.org/sources/plan?start=10&end=20")
    assert "&lt;script&gt;" in message.html and "<script>" not in message.html
    assert "a &lt; b &amp; c" in message.html
    assert '[1] <a href="https://example.org/sources/plan?start=10&amp;end=20">Plan &lt;2025&gt; &amp; more</a>' in (
        message.html
    )
    assert "(Jo &lt;b&gt;Doe&lt;/b&gt;)" in message.html


def test_keyboards_put_long_labels_on_their_own_row_and_data_fits_in_64_bytes() -> None:
    registry = CallbackRegistry()
    buttons = [
        Button("Yes", "/affirm"),
        Button("No", "/deny"),
        Button("Knife crime and serious violence", '/choose{"option":"knife_crime"}'),
    ]
    [message] = render_turn(
        [Reply(text="Pick", buttons=buttons)], lambda b: registry.issue(1, 1, b.title, b.payload), lambda c: None
    )
    assert message.keyboard is not None
    rows = [[b.text for b in row] for row in message.keyboard.inline_keyboard]
    assert rows == [["Yes", "No"], ["Knife crime and serious violence"]]
    assert all(len((b.callback_data or "").encode()) <= 64 for row in message.keyboard.inline_keyboard for b in row)


def test_keyboards_put_amounts_four_to_a_row_and_a_wide_label_alone() -> None:
    labels = ["0", "10", "20", "30", "40", "Skip this question for now", "Yes", "No", "Cycle lanes"]
    [message] = render_turn(
        [Reply(text="How many points?", buttons=[Button(label, f"/{n}") for n, label in enumerate(labels)])],
        lambda b: b.payload,
        lambda c: None,
    )
    assert message.keyboard is not None
    rows = [[b.text for b in row] for row in message.keyboard.inline_keyboard]
    assert rows == [["0", "10", "20", "30"], ["40"], ["Skip this question for now"], ["Yes", "No"], ["Cycle lanes"]]


def test_a_turn_becomes_one_message_with_the_last_buttons() -> None:
    replies = [
        Reply(text="An answer", citations=[cited(CITATION)]),
        Reply(text="Which area?", buttons=[Button("A", "/a")]),
    ]
    [message] = render_turn(replies, lambda b: "t", lambda c: None)
    assert message.html.index("An answer") < message.html.index("Sources") < message.html.index("Which area?")
    assert message.keyboard is not None


def _messages(replies: list[Reply], link: str | None = None) -> list[str]:
    return [message.html for message in render_turn(replies, lambda b: "t", lambda c: link)]


def test_long_replies_are_split_at_paragraph_boundaries() -> None:
    paragraphs = [f"Paragraph {n}: " + "word " * 300 for n in range(12)]
    pieces = _messages([Reply(text="\n\n".join(paragraphs))])
    assert len(pieces) > 1 and all(len(p) <= LIMIT for p in pieces)
    assert all(p.startswith("Paragraph ") for p in pieces)  # never cut inside a paragraph that fits
    assert "".join(pieces).count("Paragraph") == 12
    assert all(len(p) <= LIMIT for p in _messages([Reply(text="x" * 10_000)]))


class TelegramHtml(HTMLParser):
    """Reads one message as Telegram would: only its tags, balanced, and only the entities it knows."""

    TAGS = frozenset({"b", "a"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.links: list[str] = []
        self.errors += [f"unknown entity at {m.start()}" for m in re.finditer(r"&(?!(?:amp|lt|gt|quot);)", html)]
        self.feed(html)
        self.close()
        self.errors += [f"<{tag}> never closed" for tag in self.open]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.TAGS:
            self.errors.append(f"unexpected <{tag}>")
        self.open.append(tag)
        self.links += [value or "" for name, value in attrs if tag == "a" and name == "href"]

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.errors.append(f"</{tag}> closes nothing open")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_a_long_reply_full_of_links_is_split_into_valid_messages_and_nothing_is_lost() -> None:
    citations = [
        {"n": n, "title": f"Report & plan <{n}> " + "on housing " * (n % 7), "speaker": "A & B", "published": None}
        for n in range(1, 121)
    ]
    link = 'https://example.org/sources/doc?start=1&end=2&q="x"'
    replies = [
        Reply(
            text="\n\n".join(f"Point {n}: a < b & c, " + "more words " * 40 for n in range(30)),
            citations=[cited(c) for c in citations],
        ),
        Reply(text="y&" * 3000),  # one enormous word full of entities
        Reply(text="Anything else?", buttons=[Button("Yes", "/affirm")]),
    ]
    messages = _messages(replies, link)

    assert len(messages) > 4 and all(len(m) <= LIMIT for m in messages)
    parsed = [TelegramHtml(m) for m in messages]
    assert [p.errors for p in parsed] == [[] for _ in messages]
    assert [h for p in parsed for h in p.links] == [link] * len(citations)
    sources = "".join(f"[{c['n']}] {c['title']} ({c['speaker']})" for c in citations)
    expected = replies[0].text + "Sources" + sources + replies[1].text + replies[2].text
    shown = "".join("".join(p.text) for p in parsed)
    assert "".join(shown.split()) == "".join(expected.split())  # everything, in order; only joints' spaces differ


def test_a_source_too_long_for_one_message_is_sent_whole_as_text() -> None:
    title = "Title & more " * 600
    citation = {"n": 1, "title": title, "speaker": None, "published": None}
    messages = _messages([Reply(text="Answer", citations=[cited(citation)])], "https://example.org/sources/doc")
    parsed = [TelegramHtml(m) for m in messages]
    assert len(messages) > 1 and all(len(m) <= LIMIT for m in messages)
    assert [p.errors for p in parsed] == [[] for _ in messages]
    shown = "".join("".join(p.text) for p in parsed)
    assert "".join(shown.split()) == "".join(("Answer Sources [1] " + title).split())


def test_button_presses_are_checked_on_the_server() -> None:
    registry = CallbackRegistry()
    token = registry.issue(chat_id=5, user_id=5, title="Yes", payload="/affirm")
    registry.keyboard_sent(5, message_id=100)
    assert registry.redeem("b:made-up", 5, 5, 100) is Refusal.UNKNOWN
    assert registry.redeem(token, 5, 6, 100) is Refusal.SOMEONE_ELSE
    assert registry.redeem(token, 5, 5, 99) is Refusal.STALE
    assert registry.redeem(token, 5, 5, 100) == ("Yes", "/affirm")
    assert registry.redeem(token, 5, 5, 100) is Refusal.STALE  # a keyboard is spent once used


def test_the_oldest_buttons_expire_once_the_registry_is_full() -> None:
    registry = CallbackRegistry()
    oldest = registry.issue(chat_id=5, user_id=5, title="Yes", payload="/affirm")
    for _ in range(MAX_TOKENS - 1):
        registry.issue(chat_id=6, user_id=6, title="No", payload="/deny")
    newest = registry.issue(chat_id=5, user_id=5, title="Maybe", payload="/maybe")
    registry.keyboard_sent(5, message_id=100)
    assert registry.redeem(oldest, 5, 5, 100) is Refusal.UNKNOWN
    assert registry.redeem(newest, 5, 5, 100) == ("Maybe", "/maybe")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"CONSULT_TELEGRAM_WEBHOOK_URL": "https://example.org/telegram/webhook"},
            "needs CONSULT_TELEGRAM_WEBHOOK_SECRET",
        ),
        ({"CONSULT_TELEGRAM_WEBHOOK_SECRET": "s" * 32}, "needs CONSULT_TELEGRAM_WEBHOOK_URL"),
        (
            {"CONSULT_TELEGRAM_WEBHOOK_SECRET": "s" * 32, "CONSULT_TELEGRAM_WEBHOOK_URL": "http://example.org/hook"},
            "the public https:// address",
        ),
    ],
)
def test_webhook_mode_refuses_to_start_without_a_secret_or_an_https_url(
    tmp_path: object, settings: dict[str, str], message: str
) -> None:
    result = CliRunner().invoke(
        app,
        ["telegram"],
        env={
            "CONSULT_TELEGRAM_TOKEN": "123:abc",
            "CONSULT_TELEGRAM_MODE": "webhook",
            "CONSULT_ENVIRONMENT": "test",
            "CONSULT_DATA_DIR": str(tmp_path),
            **settings,
        },
    )
    assert result.exit_code == 2
    assert message in result.output
