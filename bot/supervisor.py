"""A small process supervisor for `consult up`: start components in dependency order, restart one that dies (with
exponential backoff and a limit) while the others keep running, and stop everything on SIGTERM / Ctrl-C or when a
component keeps failing.

Why our own: honcho stops everything when one process dies, supervisord restarts without a limit on processes that
had started and knows nothing of readiness (Rasa must start only once the action server answers).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
import structlog

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class RestartPolicy:
    first_delay: float = 1.0  # seconds before the first restart; doubled after each failure in a row
    max_delay: float = 30.0
    max_failures: int = 5  # failures in a row (without a stable run) before the whole stops
    stable_after: float = 60.0  # seconds ready after which earlier failures are forgotten
    ready_timeout: float = 300.0  # seconds a (re)started component has to answer its ready URL

    def delay(self, failures: int) -> float:
        return float(min(self.max_delay, self.first_delay * 2 ** max(0, failures - 1)))


@dataclass(frozen=True)
class Service:
    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    ready_url: str = ""  # empty: ready as soon as it runs
    after: tuple[str, ...] = ()  # started only while these are ready


@dataclass
class _Unit:
    service: Service
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    ready_since: float | None = None
    failures: int = 0
    next_start: float = 0.0
    last_probe: float = 0.0


class ComponentFailedError(RuntimeError):
    """A component kept failing (or never became ready): the supervisor stopped everything."""


class Supervisor:
    def __init__(
        self,
        services: list[Service],
        cwd: Path,
        policy: RestartPolicy | None = None,
        out: IO[str] | None = None,
        on_ready: Callable[[], None] | None = None,
    ) -> None:
        self._units = [_Unit(service) for service in services]
        self._cwd = cwd
        self._policy = policy or RestartPolicy()
        self._out = out or sys.stdout
        self._on_ready = on_ready
        self._stopping = threading.Event()
        self._print_lock = threading.Lock()

    def pid(self, name: str) -> int | None:
        unit = self._unit(name)
        return unit.process.pid if unit.process is not None and unit.process.poll() is None else None

    def is_ready(self, name: str) -> bool:
        return self._unit(name).ready_since is not None

    def stop(self) -> None:
        """Ask `run` to stop everything and return (safe from any thread or a signal handler)."""
        self._stopping.set()

    def run(self) -> int:
        """Supervise until stopped (0) or until a component keeps failing (1)."""
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: self.stop())
        try:
            self._loop()
        except ComponentFailedError as error:
            log.error("supervisor_stopping", reason=str(error))
            self._say(f"consult: {error}; stopping everything")
            return 1
        finally:
            self._stop_all()
        log.info("supervisor_stopped")
        return 0

    def _loop(self) -> None:
        announced = False
        while not self._stopping.wait(0.1):
            for unit in self._units:
                self._tend(unit, time.monotonic())
            if not announced and all(unit.ready_since is not None for unit in self._units):
                announced = True
                if self._on_ready is not None:
                    self._on_ready()

    def _tend(self, unit: _Unit, now: float) -> None:
        if unit.process is None:
            if now >= unit.next_start and all(self.is_ready(name) for name in unit.service.after):
                self._start(unit, now)
        elif unit.process.poll() is not None:
            self._failed(unit, now, f"exited with {unit.process.returncode}")
        elif unit.ready_since is None:
            self._probe(unit, now)
        elif unit.failures and now - unit.ready_since > self._policy.stable_after:
            unit.failures = 0

    def _start(self, unit: _Unit, now: float) -> None:
        service = unit.service
        unit.process = subprocess.Popen(
            service.command,
            env={**os.environ, **service.env},
            cwd=self._cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # our signal handling decides when a component stops, not the terminal's
        )
        unit.started, unit.ready_since, unit.last_probe = now, None, 0.0
        threading.Thread(target=self._relay_output, args=(service.name, unit.process), daemon=True).start()
        log.info("component_started", component=service.name, pid=unit.process.pid, restarts=unit.failures)

    def _probe(self, unit: _Unit, now: float) -> None:
        if not unit.service.ready_url:
            unit.ready_since = now
            return
        if now - unit.started > self._policy.ready_timeout:
            raise ComponentFailedError(f"{unit.service.name} not ready after {self._policy.ready_timeout:.0f} s")
        if now - unit.last_probe < 0.5:
            return
        unit.last_probe = now
        try:
            if httpx.get(unit.service.ready_url, timeout=1).status_code == 200:
                unit.ready_since = time.monotonic()
                log.info("component_ready", component=unit.service.name, seconds=round(now - unit.started, 1))
        except httpx.HTTPError:
            pass

    def _failed(self, unit: _Unit, now: float, reason: str) -> None:
        unit.process, unit.ready_since = None, None
        unit.failures += 1
        name = unit.service.name
        if unit.failures > self._policy.max_failures:
            raise ComponentFailedError(f"{name} keeps failing ({reason}, {unit.failures} times in a row)")
        delay = self._policy.delay(unit.failures)
        unit.next_start = now + delay
        log.warning("component_died", component=name, reason=reason, restart_in=delay, failures=unit.failures)
        self._say(f"consult: {name} {reason}; restarting in {delay:.0f} s")

    def _stop_all(self) -> None:
        running = [unit.process for unit in self._units if unit.process is not None and unit.process.poll() is None]
        for process in running:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()

    def _relay_output(self, name: str, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        for raw in process.stdout:
            self._say(f"{name:<9}| {raw.decode(errors='replace').rstrip()}")

    def _say(self, line: str) -> None:
        with self._print_lock:
            print(line, file=self._out, flush=True)

    def _unit(self, name: str) -> _Unit:
        return next(unit for unit in self._units if unit.service.name == name)


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)
