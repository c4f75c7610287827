"""Starting real processes for tests: a free port, a child process, waiting until it answers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent


def free_port() -> int:
    """A port free now: to be bound at once (it is free only until something else binds it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening_socket() -> socket.socket:
    """A loopback socket already bound and listening, for a server of this process to take over later: the port is
    held from the moment it is chosen, however long before the server starts."""
    return socket.create_server(("127.0.0.1", 0))


@contextmanager
def running(
    args: list[str], env: dict[str, str], ready_url: str, timeout: float = 60
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a command until the block ends; yield once ready_url answers 200."""
    process = subprocess.Popen(
        args, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        wait_until_ready(process, ready_url, timeout)
        yield process
    finally:
        stop(process)


def wait_until_ready(process: subprocess.Popen[bytes], url: str, timeout: float) -> None:
    """Until the server's ready URL answers 200 (its own signal that it is ready, as a health check reads it), or
    the process exits: the 0.2 s pause only spaces out the probes, nothing waits on time passing."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}: {error[-2000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def wait_for_port(process: subprocess.Popen[bytes], port: int, timeout: float) -> None:
    """Until something listens on the port (for a server with no page that answers 200)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listened on port {port} within {timeout} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
