"""What pip would install if asked for the newest release of everything in an environment, with the accepted holds
kept where they are: `pip install --dry-run --ignore-installed --report`. A distribution it would move up is
upgradable; one it leaves below PyPI's latest release is held (by the holds, the environment's Python, or the
requirements of what is installed or of the newer releases themselves)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

from tools.audit.inventory import Installed


@dataclass(frozen=True)
class Resolution:
    versions: dict[str, str]  # normalised name -> the release pip would install
    python: str  # the environment's Python version, as pip saw it


class ResolutionError(Exception):
    """pip found no set of releases that meets the accepted holds (its own message follows)."""


def requirement_lines(installed: dict[str, Installed], kept: set[str]) -> list[str]:
    """Every distribution at its installed release or newer; those in `kept` exactly where they are (an editable
    one, which no index holds, by its own requirements instead)."""
    lines = []
    for key, dist in installed.items():
        name = key + (f"[{','.join(sorted(dist.extras))}]" if dist.extras else "")
        if dist.editable:
            if key in kept:
                lines += [f"{other}{spec}" for other, spec in dist.requires.items()]
        elif key in kept:
            lines.append(f"{name}=={dist.version}")
        else:  # a local label (torch's "+cpu") has no place in a lower bound
            lines.append(f"{name}>={Version(dist.version).public}")
    return lines


def newest_installable(venv: Path, lines: list[str]) -> Resolution:
    """What pip would install for the environment's interpreter."""
    with tempfile.TemporaryDirectory() as scratch:
        requirements = Path(scratch) / "requirements.txt"
        requirements.write_text("\n".join(lines) + "\n")
        command = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--dry-run"]
        command += ["--ignore-installed", "--quiet", "--report", "-", "-r", str(requirements)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ResolutionError(done.stderr.strip()[-3000:])
    report = json.loads(done.stdout)
    versions = {str(canonicalize_name(i["metadata"]["name"])): str(i["metadata"]["version"]) for i in report["install"]}
    return Resolution(versions, report["environment"]["python_full_version"])
