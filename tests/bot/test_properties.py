"""Property-based: the relays' parsers never crash, whatever Rasa, Telegram or a resident sends."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.relay import parse_messages
from bot.reply_payload import Button, Reply
from bot.telegram.callbacks import CallbackRegistry, Refusal
from bot.telegram.render import LIMIT, render_turn
from survey.pseudonyms import sender_id_of_resident

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=50)),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
message = st.fixed_dictionaries(
    {},
    optional={
        "text": st.one_of(st.text(max_size=200), json_values),
        "buttons": st.one_of(
            json_values,
            st.lists(
                st.fixed_dictionaries({"title": st.text(max_size=30), "payload": st.text(max_size=30)}), max_size=5
            ),
        ),
        "custom": st.one_of(
            json_values,
            st.fixed_dictionaries({"type": st.sampled_from(["answer", "safety", "erased"]), "citations": json_values}),
        ),
    },
)


@given(st.lists(message, max_size=6))
def test_any_rasa_output_parses_into_replies(messages: list[dict[str, Any]]) -> None:
    replies = parse_messages(messages)
    assert all(isinstance(r.text, str) and r.text for r in replies)


@given(st.text(max_size=70), st.integers(), st.integers(), st.one_of(st.none(), st.integers()))
def test_any_callback_data_is_refused_unless_issued(data: str, chat: int, user: int, message_id: int | None) -> None:
    registry = CallbackRegistry()
    registry.issue(1, 1, "Yes", "/affirm")
    assert isinstance(registry.redeem(data, chat, user, message_id), Refusal)


@given(
    st.lists(st.text(min_size=1, max_size=3000), min_size=1, max_size=4),
    st.lists(st.text(min_size=1, max_size=80), max_size=12),
)
def test_any_reply_renders_within_telegram_limits_and_escaped(texts: list[str], titles: list[str]) -> None:
    replies = [Reply(text=t) for t in texts]
    replies[-1].buttons = [Button(title, "/x") for title in titles]
    for outgoing in render_turn(replies, lambda b: "b:token", lambda c: None):
        assert len(outgoing.html) <= LIMIT
        assert "<" not in outgoing.html.replace("<b>", "").replace("</b>", "")


@given(st.text(max_size=40), st.text(max_size=40))
def test_sender_ids_are_channel_scoped(user: str, other: str) -> None:
    pepper = b"p" * 32
    on_web = sender_id_of_resident(pepper, "web", user)
    assert on_web != sender_id_of_resident(pepper, "telegram", user)
    assert (on_web == sender_id_of_resident(pepper, "web", other)) == (user == other)


@given(st.integers(min_value=10**5, max_value=2**52))
def test_a_sender_id_does_not_contain_the_telegram_id(user: int) -> None:
    # A 6-digit or longer id turns up in 40 hex digits by chance about twice in a million draws.
    assert str(user) not in sender_id_of_resident(b"p" * 32, "telegram", str(user))
