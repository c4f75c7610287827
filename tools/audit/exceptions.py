"""The explained findings in exceptions.toml: accepted holds and advisories that do not apply or cannot be fixed."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

PYTHON = "python"  # a hold by the environment's Python rather than by a package


@dataclass(frozen=True)
class Hold:
    env: str
    by: str  # PYTHON, or the normalised name of a package kept at its installed release
    reason: str


@dataclass(frozen=True)
class ExplainedAdvisory:
    envs: tuple[str, ...]
    package: str
    ids: tuple[str, ...]
    reason: str

    def explains(self, env: str, package: str, ids: set[str]) -> bool:
        return env in self.envs and canonicalize_name(package) == self.package and bool(ids & set(self.ids))


@dataclass(frozen=True)
class Exceptions:
    holds: list[Hold]
    advisories: list[ExplainedAdvisory]

    def holds_of(self, env: str) -> dict[str, str]:
        """{holder: reason} accepted in one environment."""
        return {hold.by: hold.reason for hold in self.holds if hold.env == env}


def _envs(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def load_exceptions(path: Path) -> Exceptions:
    data = tomllib.loads(path.read_text())
    holds = [
        Hold(env, entry["by"] if entry["by"] == PYTHON else canonicalize_name(entry["by"]), entry["reason"])
        for entry in data.get("hold", [])
        for env in _envs(entry["env"])
    ]
    advisories = [
        ExplainedAdvisory(_envs(e["env"]), canonicalize_name(e["package"]), tuple(e["ids"]), e["reason"])
        for e in data.get("advisory", [])
    ]
    return Exceptions(holds, advisories)
