"""The supervisor behind `consult up`, with real child processes: restarts, order of start, and giving up."""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

from bot.supervisor import RestartPolicy, Service, Supervisor
from tests.processes import free_port

FAST = RestartPolicy(first_delay=0.1, max_delay=0.5, max_failures=3, stable_after=30, ready_timeout=60)
# Notes when it started and its pid, then sleeps.
SLEEPER = [
    sys.executable,
    "-c",
    "import os, pathlib, sys, time; pathlib.Path(sys.argv[1]).write_text(f'{time.time()!r} {os.getpid()}');"
    " time.sleep(3600)",
]


def _server(port: int, stamp: Path) -> Service:
    """An HTTP server that takes a second to start listening and notes when it did."""
    script = (
        "import http.server, os, pathlib, time; time.sleep(1);"
        f"s = http.server.HTTPServer(('127.0.0.1', {port}), http.server.SimpleHTTPRequestHandler);"
        f"pathlib.Path({str(stamp)!r}).write_text(f'{{time.time()!r}} {{os.getpid()}}'); s.serve_forever()"
    )
    return Service("server", [sys.executable, "-c", script], ready_url=f"http://127.0.0.1:{port}/")


class Running:
    def __init__(self, supervisor: Supervisor) -> None:
        self.supervisor = supervisor
        self.result: list[int] = []
        self.thread = threading.Thread(target=lambda: self.result.append(supervisor.run()))

    def wait_for(self, condition: Callable[[], bool], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, "the supervisor did not get there in time"
            time.sleep(0.05)


@contextmanager
def supervising(services: list[Service], tmp_path: Path, out: io.StringIO) -> Iterator[Running]:
    ready = threading.Event()
    running = Running(Supervisor(services, tmp_path, FAST, out=out, on_ready=ready.set))
    running.thread.start()
    try:
        yield running
    finally:
        running.supervisor.stop()
        running.thread.join(timeout=60)
    assert not running.thread.is_alive()


def test_a_component_that_dies_is_restarted_while_the_others_keep_running(tmp_path: Path) -> None:
    out = io.StringIO()
    services = [_server(free_port(), tmp_path / "server"), Service("worker", [*SLEEPER, str(tmp_path / "worker")])]
    with supervising(services, tmp_path, out) as running:
        supervisor = running.supervisor
        running.wait_for(lambda: supervisor.is_ready("server") and supervisor.is_ready("worker"))
        server, worker = supervisor.pid("server"), supervisor.pid("worker")
        assert server is not None and worker is not None
        os.kill(server, signal.SIGKILL)
        running.wait_for(lambda: supervisor.pid("server") not in (None, server) and supervisor.is_ready("server"))
        assert supervisor.pid("worker") == worker  # untouched
        children = [psutil.Process(pid) for pid in (supervisor.pid("server"), worker) if pid is not None]
    assert running.result == [0]
    assert "server exited with -9; restarting in" in out.getvalue()
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]


def test_a_component_starts_only_once_the_one_it_comes_after_answers(tmp_path: Path) -> None:
    services = [
        Service("worker", [*SLEEPER, str(tmp_path / "worker")], after=("server",)),
        _server(free_port(), tmp_path / "server"),
    ]
    with supervising(services, tmp_path, io.StringIO()) as running:
        running.wait_for(lambda: _noted(tmp_path / "worker") is not None)
        assert (_noted(tmp_path / "worker") or 0) > (_noted(tmp_path / "server") or 0)


def test_a_component_that_keeps_failing_stops_everything_with_a_clear_message(tmp_path: Path) -> None:
    out = io.StringIO()
    services = [
        _server(free_port(), tmp_path / "steady"),
        Service("broken", [sys.executable, "-c", "raise SystemExit(3)"], after=("server",)),
    ]
    with supervising(services, tmp_path, out) as running:
        running.thread.join(timeout=60)
    assert running.result == [1]
    assert "broken keeps failing (exited with 3, 4 times in a row); stopping everything" in out.getvalue()
    steady = int((tmp_path / "steady").read_text().split()[1])
    assert not psutil.pid_exists(steady) or psutil.Process(steady).status() == psutil.STATUS_ZOMBIE


def _noted(stamp: Path) -> float | None:
    """When a sleeper noted it started (None until it has written its note whole)."""
    parts = stamp.read_text().split() if stamp.exists() else []
    return float(parts[0]) if len(parts) == 2 else None
