"""The Rasa side: its own Python 3.10 environment, training (only when the training data changed) and the files
`rasa run` is given. Our Python code never imports rasa; it runs the `rasa` command of `.venv-rasa`."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.rasa_survey import assemble_project
from survey.definition import SurveyDefinition

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RASA_PROJECT = Path(__file__).resolve().parent / "rasa"
CONSTRAINTS = RASA_PROJECT / "constraints.txt"
RASA_VERSION = "3.6.21"
MODEL_NAME = "consult"
RASA_LOGGING = Path(__file__).resolve().parent / "rasa_logging"
LOGGING_CONFIG = RASA_LOGGING / "logging.yml"
TRAINING_INPUTS = ("config.yml", "domain", "data")
# Quiet, offline, reproducible: no telemetry, no progress bars, no deprecation noise in the logs.
RASA_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TQDM_DISABLE": "1",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONWARNINGS": "ignore::DeprecationWarning,ignore::UserWarning,ignore::FutureWarning",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "LOG_LEVEL": "WARNING",
    "PYTHONPATH": str(RASA_LOGGING),  # consult_rasa_logging, which keeps residents' words out of Rasa's logs
}


class RasaSetupError(RuntimeError):
    pass


@dataclass(frozen=True)
class RasaFiles:
    """Where the Rasa environment and its generated files live."""

    venv: Path
    python: str | None  # Python 3.10 to make the environment with (None: find_python310)
    data_dir: Path  # data/rasa: model, tracker database, effective endpoints file

    @property
    def rasa(self) -> Path:
        return self.venv / "bin" / "rasa"

    @property
    def model(self) -> Path:
        return self.data_dir / "models" / f"{MODEL_NAME}.tar.gz"

    def endpoints_for(self, instance: int) -> Path:
        return self.data_dir / ("endpoints.yml" if instance == 0 else f"endpoints-{instance + 1}.yml")

    @property
    def project(self) -> Path:
        """The Rasa project trained and tested: bot/rasa's files plus the part generated from the survey."""
        return self.data_dir / "project"

    @property
    def trackers(self) -> Path:
        return self.data_dir / "trackers.db"


def find_python310() -> str:
    """Rasa 3.6 needs Python 3.10: one on PATH, else the newest pyenv 3.10 (CONSULT_RASA_PYTHON overrides both).

    Each candidate is run, since a pyenv shim can be on PATH without a 3.10 selected.
    """
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    pyenv = sorted(pyenv_root.glob("versions/3.10.*/bin/python"), key=lambda p: _version_key(p.parts[-3]), reverse=True)
    for candidate in [shutil.which("python3.10"), *map(str, pyenv)]:
        if candidate and _is_python310(candidate):
            return candidate
    return "python3.10"


def _version_key(version: str) -> list[int]:
    return [int(part) if part.isdigit() else -1 for part in version.split(".")]


def _is_python310(python: str) -> bool:
    try:
        probe = subprocess.run(
            [python, "-c", "import sys; print(sys.version_info[:2] == (3, 10))"], capture_output=True, timeout=30
        )
    except OSError:
        return False
    return probe.stdout.strip() == b"True"


def ensure_environment(files: RasaFiles) -> bool:
    """Create or update .venv-rasa (pinned by constraints.txt); True if anything was installed."""
    stamp = files.venv / ".consult-constraints"
    wanted = hashlib.sha256(CONSTRAINTS.read_bytes()).hexdigest()
    if files.rasa.exists() and stamp.exists() and stamp.read_text() == wanted:
        return False
    if not (files.venv / "bin" / "python").exists():
        _run([files.python or find_python310(), "-m", "venv", str(files.venv)], "create the Rasa environment")
    pip = [str(files.venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check"]
    _run([*pip, "--upgrade", "pip"], "upgrade pip in the Rasa environment")
    _run([*pip, "-c", str(CONSTRAINTS), f"rasa=={RASA_VERSION}"], "install Rasa (a few minutes the first time)")
    stamp.write_text(wanted)
    return True


def training_digest(project: Path) -> str:
    """Changes whenever config, domain or training data change (hand-written or generated), or the pinned Rasa does."""
    digest = hashlib.sha256(RASA_VERSION.encode())
    for name in TRAINING_INPUTS:
        path = project / name
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                digest.update(str(file.relative_to(project)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()


def generate_project(files: RasaFiles, definition: SurveyDefinition) -> Path:
    """Assemble the project Rasa trains on from bot/rasa and the survey definition."""
    return assemble_project(definition, RASA_PROJECT, files.project)


def train_if_changed(files: RasaFiles, definition: SurveyDefinition) -> bool:
    """Generate the survey's part of the project, then train unless a model of the same project exists; True if it
    trained."""
    project = generate_project(files, definition)
    stamp = files.model.parent / f"{MODEL_NAME}.digest"
    digest = training_digest(project)
    if files.model.exists() and stamp.exists() and stamp.read_text() == digest:
        return False
    files.model.parent.mkdir(parents=True, exist_ok=True)
    _run(
        [
            str(files.rasa),
            "train",
            "--config",
            str(project / "config.yml"),
            "--domain",
            str(project / "domain"),
            "--data",
            str(project / "data"),
            "--out",
            str(files.model.parent),
            "--fixed-model-name",
            MODEL_NAME,
        ],
        "train the Rasa model",
        cwd=files.data_dir,
    )
    stamp.write_text(digest)
    return True


def write_endpoints(
    files: RasaFiles, instance: int, action_url: str, tracker_url: str | None, lock_url: str | None
) -> Path:
    """The endpoints file one `rasa run` uses: its action server, a persistent SQL tracker store and, when several
    Rasa instances share the trackers, a Redis lock store so a conversation is handled by one of them at a time."""
    if tracker_url:
        tracker: dict[str, Any] = {"type": "SQL", "url": tracker_url}  # a full SQLAlchemy URL, e.g. PostgreSQL
    else:
        tracker = {"type": "SQL", "dialect": "sqlite", "db": str(files.trackers)}
    content: dict[str, Any] = {"action_endpoint": {"url": action_url}, "tracker_store": tracker}
    if lock_url:
        lock = urlsplit(lock_url)
        content["lock_store"] = {
            "type": "redis",
            "url": lock.hostname or "127.0.0.1",
            "port": lock.port or 6379,
            "db": int(lock.path.strip("/") or 0),
            "key_prefix": "consult",
        }
    files.data_dir.mkdir(parents=True, exist_ok=True)
    path = files.endpoints_for(instance)
    path.write_text(yaml.safe_dump(content, sort_keys=False))
    return path


def run_rasa_command(
    files: RasaFiles, args: list[str], cwd: Path | None = None, log_level: str = "WARNING"
) -> subprocess.CompletedProcess[str]:
    """`rasa <args>` in the Rasa environment, in the assembled project (e.g. data validation or NLU tests)."""
    return subprocess.run(
        [str(files.rasa), *args],
        cwd=cwd or files.project,
        env={**os.environ, **RASA_ENV, "LOG_LEVEL": log_level, "RASA_CACHE_DIRECTORY": str(files.data_dir / "cache")},
        capture_output=True,
        text=True,
        check=False,
    )


def _run(command: list[str], purpose: str, cwd: Path | None = None) -> None:
    print(f"consult: {purpose}...", file=sys.stderr, flush=True)
    result = subprocess.run(
        command, cwd=cwd, env={**os.environ, **RASA_ENV}, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr)[-3000:]
        raise RasaSetupError(f"could not {purpose} (exit {result.returncode}):\n{output}")
