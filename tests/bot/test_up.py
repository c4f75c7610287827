"""`consult up` as an operator runs it: it prepares, starts everything, says where, and stops everything on SIGTERM;
a component that dies is reported and the rest are stopped."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.processes import BIN, free_port
from tests.stack import Stack
from tests.telegram_fake import FakeTelegram

pytestmark = pytest.mark.slow


class Up:
    def __init__(self, process: subprocess.Popen[str], rasa_port: int, web_port: int) -> None:
        self.process = process
        self.rasa_port = rasa_port
        self.web_port = web_port
        self.output: list[str] = []
        self.ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            if "Ctrl-C stops everything" in line:  # the banner's last line: the whole banner has been read
                self.ready.set()

    def all_output(self) -> str:
        """Everything `up` printed, once it has exited: the reader may still be catching up with the pipe."""
        self._reader.join(timeout=30)
        return "".join(self.output)

    def children(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def up(tmp_path: Path, stack: Stack, telegram: FakeTelegram) -> Iterator[Up]:
    data = tmp_path / "data"
    data.mkdir()
    # Reuse the session's index and trained model: `up` must find them current and not rebuild.
    shutil.copytree(stack.settings.data_dir / "index", data / "index", symlinks=True)
    shutil.copytree(stack.settings.data_dir / "rasa" / "models", data / "rasa" / "models")
    rasa_port, web_port = free_port(), free_port()
    env = {
        **os.environ,
        "CONSULT_DATA_DIR": str(data),
        "CONSULT_ENVIRONMENT": "test",
        "CONSULT_PEPPER": "u" * 40,
        "CONSULT_RASA_PORT": str(rasa_port),
        "CONSULT_ACTIONS_PORT": str(free_port()),
        "CONSULT_WEB_PORT": str(web_port),
        "CONSULT_TELEGRAM_TOKEN": "123456:TEST-TOKEN",  # with a token, `up` runs the Telegram relay too
        "CONSULT_TELEGRAM_API_URL": telegram.url,
    }
    process = subprocess.Popen(
        [str(BIN / "consult"), "up"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    running = Up(process, rasa_port, web_port)
    try:
        assert running.ready.wait(300), "".join(running.output[-40:])
        yield running
    finally:
        # honcho gives each component its own session: kill the whole tree, or a failed test leaks processes.
        leftovers = psutil.Process(process.pid).children(recursive=True) if process.poll() is None else []
        for child in leftovers:
            child.kill()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_up_starts_everything_and_stops_it_all_on_sigterm(up: Up, telegram: FakeTelegram) -> None:
    text = "".join(up.output)
    assert f"http://127.0.0.1:{up.web_port}/" in text and "Ctrl-C stops everything" in text
    assert "trained the Rasa model" not in text  # the model was current: no retraining
    reply = httpx.post(
        f"http://127.0.0.1:{up.rasa_port}/webhooks/rest/webhook",
        json={"sender": "up-test", "message": "What is Vision Zero?"},
        timeout=60,
    ).json()
    assert any(m.get("custom", {}).get("type") == "answer" for m in reply)
    assert httpx.get(f"http://127.0.0.1:{up.web_port}/healthz").status_code == 200
    telegram.push_text(4242, "hello")
    assert "quoting them word for word" in telegram.wait_for(4242, 1, timeout=60)[0]["text"]
    children = up.children()
    assert len(children) >= 4  # Rasa, the action server, the web application and the Telegram relay
    up.process.send_signal(signal.SIGTERM)
    assert up.process.wait(timeout=60) is not None
    time.sleep(1)
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]


def test_a_component_that_dies_is_reported_and_everything_stops(up: Up) -> None:
    actions = next(c for c in up.children() if "actions" in " ".join(c.cmdline()))
    actions.kill()
    assert up.process.wait(timeout=60) != 0
    output = up.all_output()
    assert "actions stopped" in output, output[-2000:]
