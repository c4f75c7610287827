"""The real assistant for end-to-end tests: Rasa, the action server and the web application as separate processes,
started from the same component list `consult up` uses, each restartable on its own."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx

from bot.rasa_env import write_endpoints
from bot.settings import Settings
from bot.stack import Component, components, prepare
from tests.processes import free_port, stop, wait_until_ready

READY_TIMEOUT = 240
PORT_ATTEMPTS = 3


class PortTakenError(RuntimeError):
    """A component could not bind its port: something else took it after it was chosen."""


PORTS = ("CONSULT_RASA_PORT", "CONSULT_ACTIONS_PORT", "CONSULT_WEB_PORT")


class Stack:
    def __init__(self, data_dir: Path, index_dir: Path | None = None, settings: dict[str, str] | None = None) -> None:
        self.env = {
            "CONSULT_DATA_DIR": str(data_dir),
            "CONSULT_ENVIRONMENT": "test",
            "CONSULT_PEPPER": secrets.token_hex(32),
            "CONSULT_RASA_PORT": str(free_port()),
            "CONSULT_ACTIONS_PORT": str(free_port()),
            "CONSULT_WEB_PORT": str(free_port()),
            # Every test resident connects from 127.0.0.1: the per-address limit is tested on its own elsewhere.
            "CONSULT_CHAT_LIMIT_ADDRESS": "100000/minute",
            **(settings or {}),
        }
        if index_dir is not None and not (data_dir / "index").exists():
            shutil.copytree(index_dir, data_dir / "index", symlinks=True)  # reuse the session's index build
        self.settings = Settings.model_validate({k.removeprefix("CONSULT_").lower(): v for k, v in self.env.items()})
        self.token = secrets.token_urlsafe(16)
        self.parts = {part.name: part for part in components(self.settings, self.token)}
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.logs = data_dir / "logs"
        self._log_offsets: dict[str, int] = {}

    @property
    def rasa_url(self) -> str:
        return self.settings.rasa_url

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"

    def prepare(self) -> None:
        prepare(self.settings)  # may train for minutes: the ports are chosen afterwards, just before they are bound
        self._choose_ports()

    def _choose_ports(self) -> None:
        self.env |= {name: str(free_port()) for name in PORTS}
        self.settings = Settings.model_validate({k.removeprefix("CONSULT_").lower(): v for k, v in self.env.items()})
        self.parts = {part.name: part for part in components(self.settings, self.token)}
        files = self.settings.rasa_files()
        for instance in range(self.settings.rasa_instances):
            action_url = f"http://127.0.0.1:{self.settings.actions_port + instance}/webhook"
            write_endpoints(files, instance, action_url, self.settings.tracker_store_url, self.settings.lock_store_url)

    def start(self, *names: str) -> None:
        """Start components as `consult up` does: each one only once those it comes after are ready.

        A free port is only free until something binds it, and Rasa binds its port a minute or more after it was
        chosen: if another process took one meanwhile and none of the stack is running yet, the start is retried on
        newly chosen ports. (A restarted component keeps its port, which its running peers know: that window is the
        few seconds of a restart.)"""
        for attempt in range(1, PORT_ATTEMPTS + 1):
            try:
                self._start(*names)
                return
            except PortTakenError:
                self.stop(*(names or self.parts))
                if self.processes or attempt == PORT_ATTEMPTS:
                    raise
                self._choose_ports()

    def _start(self, *names: str) -> None:
        wanted = list(names or self.parts)
        while wanted:
            batch = [name for name in wanted if not set(self.parts[name].after) & set(wanted)]
            for name in batch:
                self._launch(self.parts[name])
            for name in batch:
                self._wait_ready(name)
            wanted = [name for name in wanted if name not in batch]

    def _wait_ready(self, name: str) -> None:
        try:
            if self.parts[name].ready_url:
                wait_until_ready(self.processes[name], self.parts[name].ready_url, READY_TIMEOUT)
        except (RuntimeError, TimeoutError) as error:
            with (self.logs / f"{name}.log").open("rb") as file:
                file.seek(self._log_offsets.get(name, 0))
                log = file.read().decode(errors="replace")
            failure = PortTakenError if "address already in use" in log.lower() else RuntimeError
            raise failure(f"{name} did not start: {error}\n{log[-3000:]}") from None

    def stop(self, *names: str) -> None:
        for name in names or tuple(self.processes):
            process = self.processes.pop(name, None)
            if process is not None:
                stop(process)

    def kill(self, name: str) -> None:
        """kill -9: no chance to clean up."""
        process = self.processes.pop(name)
        process.kill()
        process.wait()

    def restart(self, name: str) -> None:
        self.stop(name)
        self.start(name)

    def say(self, sender: str, text: str, **metadata: Any) -> list[dict[str, Any]]:
        """One turn over Rasa's REST channel: the bot's messages in order."""
        response = httpx.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text, "metadata": metadata},
            timeout=60,
        )
        response.raise_for_status()
        messages: list[dict[str, Any]] = response.json()
        return messages

    def _launch(self, part: Component) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        log = (self.logs / f"{part.name}.log").open("ab")
        self._log_offsets[part.name] = log.tell()  # this launch's output starts here
        self.processes[part.name] = subprocess.Popen(
            part.command,
            env={**os.environ, **self.env, **part.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.settings.data_dir,
            start_new_session=True,
        )


def texts(messages: list[dict[str, Any]]) -> list[str]:
    """The replies' texts: each reply travels whole in Rasa's `custom` field (bot/reply_payload.py)."""
    return [c["text"] for c in customs(messages) if c.get("text")]


def customs(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m["custom"] for m in messages if m.get("custom")]


def buttons(messages: list[dict[str, Any]]) -> list[str]:
    return [b["payload"] for c in customs(messages) for b in c.get("buttons") or []]
