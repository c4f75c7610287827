"""`consult up`: prepare what is missing, then run Rasa, the action server and the web application together.

honcho supervises the processes: their output is multiplexed with a name prefix, Ctrl-C or SIGTERM stops them all,
and if one dies it is reported and the others are stopped (a half-running assistant is worse than a stopped one).
"""

from __future__ import annotations

import os
import secrets
import shlex
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from honcho.manager import Manager
from honcho.printer import Printer

from bot.rasa_env import LOGGING_CONFIG, RASA_ENV, RASA_PROJECT, ensure_environment, train_if_changed, write_endpoints
from bot.settings import Settings
from index.build import build_index
from survey.definition import load_definition
from survey.service import open_survey

READY_TIMEOUT = 300


@dataclass(frozen=True)
class Component:
    name: str
    command: list[str]
    ready_url: str
    env: dict[str, str]


def prepare(settings: Settings) -> None:
    """Everything `up` needs, created or updated only when missing or stale (idempotent)."""
    files = settings.rasa_files()
    ensure_environment(files)
    open_survey(settings.survey_config()).db.dispose()  # schema up to date, and this consultation's database
    report = build_index(settings.index_config())
    if report.rebuilt:
        print(f"consult: indexed {report.chunks} chunks from {report.documents} documents", file=sys.stderr)
    if train_if_changed(files, load_definition(settings.survey_file)):
        print("consult: trained the Rasa model", file=sys.stderr)
    for instance in range(settings.rasa_instances):
        action_url = f"http://127.0.0.1:{settings.actions_port + instance}/webhook"
        write_endpoints(files, instance, action_url, settings.tracker_store_url, settings.lock_store_url)


def components(settings: Settings, rasa_token: str) -> list[Component]:
    files = settings.rasa_files()
    consult = str(Path(sys.executable).with_name("consult"))
    shared = {"CONSULT_RASA_TOKEN": rasa_token}
    parts: list[Component] = []
    for instance in range(settings.rasa_instances):
        suffix = "" if settings.rasa_instances == 1 else f"-{instance + 1}"
        rasa_port, actions_port = settings.rasa_port + instance, settings.actions_port + instance
        parts.append(
            Component(
                f"rasa{suffix}",
                [
                    str(files.rasa),
                    "run",
                    "--enable-api",
                    f"--auth-token={rasa_token}",  # one argument: a token may begin with "-"
                    "--interface",
                    "127.0.0.1",
                    "--port",
                    str(rasa_port),
                    "--model",
                    str(files.model),
                    "--endpoints",
                    str(files.endpoints_for(instance)),
                    "--credentials",
                    str(RASA_PROJECT / "credentials.yml"),
                    "--logging-config-file",
                    str(LOGGING_CONFIG),
                ],
                f"http://127.0.0.1:{rasa_port}/status?token={rasa_token}",
                {**RASA_ENV, "SANIC_WORKERS": "1"},
            )
        )
        parts.append(
            Component(
                f"actions{suffix}",
                [consult, "actions", "--port", str(actions_port)],
                f"http://127.0.0.1:{actions_port}/health",
                shared,
            )
        )
    parts.append(
        Component(
            "web",
            [consult, "serve", "--host", settings.host, "--port", str(settings.web_port)],
            f"http://127.0.0.1:{settings.web_port}/healthz",
            shared,
        )
    )
    if settings.telegram_token is not None:
        parts.append(Component("telegram", [consult, "telegram"], "", shared))
    return parts


def up(settings: Settings) -> int:
    prepare(settings)
    token = settings.rasa_token.get_secret_value() if settings.rasa_token else secrets.token_urlsafe(24)
    parts = components(settings, token)
    manager = Manager(Printer(sys.stdout))
    for part in parts:
        # `exec`: no shell in between, so a signal or a death reaches (and is seen from) the real process.
        manager.add_process(
            part.name,
            "exec " + shlex.join(part.command),
            env={**os.environ, **part.env},
            cwd=str(settings.data_dir.resolve()),
        )
    threading.Thread(target=_announce_when_ready, args=(manager, parts, settings), daemon=True).start()
    manager.loop()
    return int(manager.returncode or 0)


def _announce_when_ready(manager: Manager, parts: list[Component], settings: Settings) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    waiting = {part.name: part.ready_url for part in parts if part.ready_url}
    while waiting and time.monotonic() < deadline:
        for name, url in list(waiting.items()):
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    del waiting[name]
            except httpx.HTTPError:
                pass
        time.sleep(0.5)
    if waiting:
        print(f"consult: not ready after {READY_TIMEOUT} s: {', '.join(waiting)}", file=sys.stderr, flush=True)
        manager.terminate()
        return
    print(
        "consult: ready\n"
        f"  web application and dashboard  http://{settings.host}:{settings.web_port}/\n"
        f"  Rasa (loopback only)            {', '.join(settings.rasa_urls)}\n"
        f"  action server (loopback only)   http://127.0.0.1:{settings.actions_port}\n"
        "  Ctrl-C stops everything.",
        flush=True,
    )
