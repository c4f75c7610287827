"""`consult up`: prepare what is missing, then run Rasa, the action server and the web application together.

bot/supervisor.py supervises the processes: their output is multiplexed with a name prefix, a component that dies is
restarted (with backoff) while the others keep running, Rasa starts only once its action server answers, and Ctrl-C,
SIGTERM or a component that keeps failing stops them all.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

from bot.rasa_env import LOGGING_CONFIG, RASA_ENV, RASA_PROJECT, ensure_environment, train_if_changed, write_endpoints
from bot.settings import Settings
from bot.supervisor import Service, Supervisor
from index.build import build_index
from survey.service import open_survey

Component = Service  # one process of the assistant, as the supervisor (and the tests) start it
# One math-library thread per process: the machine's cores are shared by all the components and their requests, and on
# a busy machine the extra threads of torch (and Rasa's numerical libraries) spin-wait for each other: an answer cost
# about 270 ms of CPU with two threads and 23 ms with one, measured with the whole assistant running.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def prepare(settings: Settings) -> int:
    """Everything `up` needs, created or updated only when missing or stale (idempotent)."""
    files = settings.rasa_files()
    ensure_environment(files)
    survey = open_survey(settings.survey_config())  # schema up to date, and this consultation's database
    survey.db.dispose()
    report = build_index(settings.index_config(None))
    if report.rebuilt:
        print(f"consult: indexed {report.chunks} chunks from {report.documents} documents", file=sys.stderr)
    if train_if_changed(files, survey.definition):
        print("consult: trained the Rasa model", file=sys.stderr)
    for instance in range(settings.rasa_instances):
        action_url = f"http://127.0.0.1:{settings.actions_port + instance}/webhook"
        write_endpoints(files, instance, action_url, settings.tracker_store_url, settings.lock_store_url)
    return 0


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
                {**RASA_ENV, **ONE_THREAD, "SANIC_WORKERS": "1"},
                f"http://127.0.0.1:{rasa_port}/status?token={rasa_token}",
                after=(f"actions{suffix}",),  # a message reaching Rasa before its actions load gets no reply
            )
        )
        parts.append(
            Component(
                f"actions{suffix}",
                [consult, "actions", "--port", str(actions_port)],
                {**shared, **ONE_THREAD},
                f"http://127.0.0.1:{actions_port}/health",
            )
        )
    parts.append(
        Component(
            "web",
            [consult, "serve", "--host", settings.host, "--port", str(settings.web_port)],
            shared,
            f"http://127.0.0.1:{settings.web_port}/healthz",
        )
    )
    if settings.telegram_token is not None:
        parts.append(Component("telegram", [consult, "telegram"], shared))
    return parts


def up(settings: Settings) -> int:
    prepare(settings)
    token = settings.rasa_token.get_secret_value() if settings.rasa_token else secrets.token_urlsafe(24)
    supervisor = Supervisor(
        components(settings, token), settings.data_dir.resolve(), on_ready=lambda: _announce(settings)
    )
    return supervisor.run()


def _announce(settings: Settings) -> None:
    print(
        "consult: ready\n"
        f"  web application and dashboard  http://{settings.host}:{settings.web_port}/\n"
        f"  Rasa (loopback only)            {', '.join(settings.rasa_urls)}\n"
        f"  action server (loopback only)   http://127.0.0.1:{settings.actions_port}\n"
        "  Ctrl-C stops everything.",
        flush=True,
    )
