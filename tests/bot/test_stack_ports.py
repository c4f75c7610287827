"""The test stack's ports are chosen just before they are bound, and a port taken in between is chosen again."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx

from tests.stack import Stack


def test_a_port_taken_after_it_was_chosen_is_chosen_again(tmp_path: Path) -> None:
    stack = Stack(tmp_path)
    chosen = stack.settings.web_port
    with socket.socket() as squatter:  # another process binds the port between choosing and starting
        squatter.bind(("127.0.0.1", chosen))
        squatter.listen()
        try:
            stack.start("web")
            assert stack.settings.web_port != chosen
            assert httpx.get(f"{stack.web_url}/healthz", timeout=10).status_code == 200
            assert "address already in use" in (stack.logs / "web.log").read_text().lower()  # it did collide
        finally:
            stack.stop()
