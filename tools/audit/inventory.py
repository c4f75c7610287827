"""What is installed in an environment, and what each distribution requires of the others, as pipdeptree reads it
(markers evaluated for that environment's Python, extras its dependents ask for included)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from packaging.utils import canonicalize_name


@dataclass
class Installed:
    name: str
    version: str
    editable: bool = False
    extras: set[str] = field(default_factory=set)  # its extras that installed dependents use
    requires: dict[str, str] = field(default_factory=dict)  # normalised name -> specifier ("" for any version)


def parse_tree(tree: list[dict[str, object]], editables: set[str]) -> dict[str, Installed]:
    """{normalised name: Installed} from `pipdeptree -o json`."""
    out: dict[str, Installed] = {}
    for entry in tree:
        package = entry["package"]
        assert isinstance(package, dict)
        key = canonicalize_name(package["package_name"])
        installed = Installed(package["package_name"], package["installed_version"], key in editables)
        dependencies = entry["dependencies"]
        assert isinstance(dependencies, list)
        for dependency in dependencies:
            spec = dependency["required_version"]
            installed.requires[canonicalize_name(dependency["package_name"])] = "" if spec == "Any" else spec
            if "extra" in dependency:  # pipdeptree names the extra of *this* package that pulls the dependency in
                installed.extras.add(dependency["extra"])
        out[key] = installed
    return dict(sorted(out.items()))


def dependents(installed: dict[str, Installed], key: str) -> dict[str, str]:
    """{dependent: specifier} of the installed distributions that require `key` with a version specifier."""
    return {other: dist.requires[key] for other, dist in installed.items() if dist.requires.get(key)}


def read_inventory(venv: Path) -> dict[str, Installed]:
    python = venv / "bin" / "python"
    tree = subprocess.run(
        [str(Path(sys.executable).with_name("pipdeptree")), "--python", str(python), "-o", "json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    editables = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "list", "--editable", "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return parse_tree(json.loads(tree), {canonicalize_name(e["name"]) for e in json.loads(editables)})
