"""The latest release of each project and the advisories PyPI lists for it, from PyPI's project JSON
(https://pypi.org/pypi/NAME/json): the one PyPI API that answers from this build machine (docs/security.md)."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx

PYPI = "https://pypi.org/pypi"
PER_RELEASE_PROBE = f"{PYPI}/pip/24.0/json"  # what pip-audit's PyPI service asks for, one release at a time


@dataclass(frozen=True)
class Advisory:
    id: str
    aliases: tuple[str, ...]
    fixed_in: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class Project:
    latest: str
    requires_python: str  # of the latest release; "" when it states none
    advisories: list[Advisory] = field(default_factory=list)


class ProjectLookupError(Exception):
    """PyPI did not answer about a project (an HTTP error other than 404, or no answer at all)."""


def parse_project(data: dict[str, object]) -> Project:
    info = data["info"]
    assert isinstance(info, dict)
    advisories = []
    for entry in data.get("vulnerabilities") or []:  # type: ignore[attr-defined]
        if entry.get("withdrawn"):
            continue
        text = (entry.get("summary") or entry.get("details") or "").strip()
        advisories.append(
            Advisory(
                entry["id"],
                tuple(entry.get("aliases") or ()),
                tuple(entry.get("fixed_in") or ()),
                text.splitlines()[0][:200] if text else "",
            )
        )
    return Project(info["version"], info.get("requires_python") or "", advisories)


def fetch_projects(names: Iterable[str], workers: int = 8) -> dict[str, Project | ProjectLookupError | None]:
    """{name: its Project, None when PyPI has no such project, or ProjectLookupError}."""
    transport = httpx.HTTPTransport(retries=3)
    with httpx.Client(transport=transport, timeout=30, headers={"User-Agent": "consult-audit"}) as client:

        def fetch(name: str) -> Project | ProjectLookupError | None:
            try:
                response = client.get(f"{PYPI}/{name}/json")
            except httpx.HTTPError as error:
                return ProjectLookupError(f"no answer ({type(error).__name__})")
            if response.status_code == 404:
                return None
            if response.status_code != 200:
                return ProjectLookupError(f"HTTP {response.status_code}")
            return parse_project(response.json())

        names = sorted(set(names))
        with ThreadPoolExecutor(workers) as pool:
            return dict(zip(names, pool.map(fetch, names), strict=True))


def per_release_api_answers() -> bool:
    """Whether pip-audit's PyPI service (one request per installed release) can work from here."""
    try:
        return httpx.get(PER_RELEASE_PROBE, timeout=15).status_code == 200
    except httpx.HTTPError:
        return False
