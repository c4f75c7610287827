"""`consult up` as an operator runs it: it prepares, starts everything, says where, and stops everything on SIGTERM;
a component that dies is restarted while the rest keep running, and residents are asked to try again meanwhile."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.processes import BIN, free_port
from tests.stack import Stack
from tests.telegram_fake import FakeTelegram

pytestmark = pytest.mark.slow
PORT_ATTEMPTS = 3


class Up:
    def __init__(self, process: subprocess.Popen[str], rasa_port: int, web_port: int, actions_port: int) -> None:
        self.process = process
        self.rasa_port = rasa_port
        self.web_port = web_port
        self.actions_port = actions_port
        self.output: list[str] = []
        self.ready = threading.Event()
        self.port_taken = False  # a component found its port taken before `up` was ready
        self.settled = threading.Event()  # ready, or never will be: a port was taken, or `up` exited
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            if "Ctrl-C stops everything" in line:  # the banner's last line: the whole banner has been read
                self.ready.set()
                self.settled.set()
            elif not self.ready.is_set() and "address already in use" in line.lower():
                self.port_taken = True
                self.settled.set()
        self.settled.set()

    def all_output(self) -> str:
        """Everything `up` printed, once it has exited: the reader may still be catching up with the pipe."""
        self._reader.join(timeout=30)
        return "".join(self.output)

    def children(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def component(self, name: str) -> psutil.Process:
        """The running process of a component: `python consult NAME`, or Rasa's `python rasa run`."""
        marker = "run" if name == "rasa" else name
        return next(c for c in self.children() if c.cmdline()[2:3] == [marker])


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def up(tmp_path: Path, stack: Stack, telegram: FakeTelegram) -> Iterator[Up]:
    """`consult up` on ports chosen as it starts; Rasa binds its port a minute later, so if another process took one
    meanwhile, `up` is started again on newly chosen ports (as tests/stack.py does)."""
    data = tmp_path / "data"
    data.mkdir()
    # Reuse the session's index and trained model: `up` must find them current and not rebuild.
    shutil.copytree(stack.settings.data_dir / "index", data / "index", symlinks=True)
    shutil.copytree(stack.settings.data_dir / "rasa" / "models", data / "rasa" / "models")
    started: list[Up] = []
    try:
        for attempt in range(1, PORT_ATTEMPTS + 1):
            started.append(running := _start_up(data, telegram))
            assert running.settled.wait(300), "".join(running.output[-40:])
            if running.ready.is_set():
                break
            _kill_tree(running.process)
            assert running.port_taken and attempt < PORT_ATTEMPTS, "".join(running.output[-40:])
        yield started[-1]
    finally:
        for running in started:
            _kill_tree(running.process)


def _start_up(data: Path, telegram: FakeTelegram) -> Up:
    rasa_port, web_port, actions_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "CONSULT_DATA_DIR": str(data),
        "CONSULT_ENVIRONMENT": "test",
        "CONSULT_PEPPER": "u" * 40,
        "CONSULT_RASA_PORT": str(rasa_port),
        "CONSULT_ACTIONS_PORT": str(actions_port),
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
    return Up(process, rasa_port, web_port, actions_port)


def _kill_tree(process: subprocess.Popen[str]) -> None:
    """Each component runs in its own session: kill the whole tree, or a failed test leaks processes."""
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
    assert "quoting them word for word" in telegram.next_turn(4242)[0]["text"]
    children = up.children()
    assert len(children) >= 4  # Rasa, the action server, the web application and the Telegram relay
    up.process.send_signal(signal.SIGTERM)
    assert up.process.wait(timeout=60) is not None
    _, alive = psutil.wait_procs(children, timeout=30)  # `up` waits for its components before it exits
    assert not [c for c in alive if c.status() != psutil.STATUS_ZOMBIE]
    assert "might not be compatible" not in up.all_output()  # no rasa-sdk version warning (see README)


def test_a_component_killed_is_restarted_the_rest_keep_running_and_residents_are_asked_to_wait(
    up: Up, telegram: FakeTelegram
) -> None:
    web, rasa, actions = up.component("serve"), up.component("rasa"), up.component("actions")
    actions.kill()  # kill -9: loading the model again takes the new action server many seconds
    token = httpx.post(f"http://127.0.0.1:{up.web_port}/api/chat/session").json()["token"]
    meanwhile = httpx.post(
        f"http://127.0.0.1:{up.web_port}/api/chat/message",
        json={"token": token, "text": "What is Vision Zero?"},
        timeout=60,
    )
    assert meanwhile.status_code == 503 and "try again in a moment" in meanwhile.json()["error"], meanwhile.text
    telegram.push_text(4343, "What is Vision Zero?")
    assert "try again in a moment" in telegram.next_turn(4343)[0]["text"]

    _wait_until(lambda: _answers(f"http://127.0.0.1:{up.actions_port}/health"), timeout=300)
    reply = httpx.post(
        f"http://127.0.0.1:{up.web_port}/api/chat/message",
        json={"token": token, "text": "What is Vision Zero?"},
        timeout=60,
    )
    assert reply.status_code == 200 and reply.json()["messages"][0]["citations"], reply.text
    assert up.component("actions").pid != actions.pid
    assert up.component("serve").pid == web.pid and up.component("rasa").pid == rasa.pid  # never stopped
    assert up.process.poll() is None
    assert "actions exited with -9; restarting in" in "".join(up.output)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _wait_until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.5)
