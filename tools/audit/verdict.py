"""One verdict per installed distribution: audited or not, and whether anything about it is unexplained."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from tools.audit.exceptions import PYTHON, Exceptions
from tools.audit.inventory import Installed, dependents
from tools.audit.releases import Advisory, Project, ProjectLookupError
from tools.audit.resolve import Resolution

NEWER_RELEASES = "the requirements of its newer releases"


class Status(StrEnum):
    CURRENT = "current"  # at PyPI's latest release: audited exactly
    HELD = "held"  # below it and pip can install nothing newer: NOT audited
    UPGRADABLE = "upgradable"  # pip can install a newer release: a finding
    NOT_ON_PYPI = "not-on-pypi"
    LOCAL = "local"  # an editable install (the project itself)
    LOOKUP_FAILED = "lookup-failed"


@dataclass
class Verdict:
    env: str
    name: str
    installed: str
    status: Status
    latest: str | None = None
    advisories: list[Advisory] = field(default_factory=list)
    held_because: list[str] = field(default_factory=list)
    explanations: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Environment:
    name: str
    installed: dict[str, Installed]
    projects: dict[str, Project | ProjectLookupError | None]
    resolution: Resolution


def _release(version: str) -> Version:
    return Version(Version(version).public)  # torch's "2.13.0+cpu" is the release 2.13.0


def holders(env: Environment, key: str, project: Project) -> dict[str, str]:
    """{what holds the package below its latest release: why}: dependents whose requirement excludes it, and the
    environment's Python when the latest release needs a newer one."""
    latest, dist = Version(project.latest), env.installed[key]
    found = {
        other: f"{env.installed[other].name} {env.installed[other].version} requires {dist.name}{spec}"
        for other, spec in dependents(env.installed, key).items()
        if not SpecifierSet(spec).contains(latest, prereleases=True)
    }
    if project.requires_python and not SpecifierSet(project.requires_python).contains(Version(env.resolution.python)):
        found[PYTHON] = f"{project.latest} needs Python {project.requires_python}"
    return found


def accepted_hold(env: Environment, key: str, accepted: dict[str, str], memo: dict[str, str | None]) -> str | None:
    """The accepted holder behind a held package, followed through holders that are themselves held (NEWER_RELEASES
    when nothing installed excludes its latest release: pip, given only the accepted holds, still cannot install a
    newer one, so their requirements hold it); None if no accepted hold explains it. `memo` holds the answers found
    so far (None while one is being worked out, which also ends a cycle)."""
    if key not in memo:
        memo[key] = None
        memo[key] = _accepted_hold(env, key, accepted, memo)
    return memo[key]


def _accepted_hold(env: Environment, key: str, accepted: dict[str, str], memo: dict[str, str | None]) -> str | None:
    project = env.projects.get(key)
    if not isinstance(project, Project):
        return None
    found = holders(env, key, project)
    if key in accepted and not found.keys() & accepted.keys():  # kept where it is, and nothing else explains it
        return key
    if not found:  # no installed requirement excludes the latest: newer releases need what the holds keep back
        return NEWER_RELEASES
    named = sorted(holder for holder in found if holder in accepted and holder != PYTHON)
    if named:
        return named[0]
    via_held = [
        accepted_hold(env, holder, accepted, memo)
        for holder in sorted(found)
        if holder in env.installed and _is_held(env, holder)
    ]
    # A named hold first, then Python, then "newer releases" (which names no root).
    choices = [via for via in via_held if via and via != NEWER_RELEASES]
    choices += [PYTHON] if PYTHON in found and PYTHON in accepted else []
    choices += [via for via in via_held if via == NEWER_RELEASES]
    return choices[0] if choices else None


def _is_held(env: Environment, key: str) -> bool:
    project = env.projects.get(key)
    return isinstance(project, Project) and _release(env.installed[key].version) < Version(project.latest)


def judge(env: Environment, exceptions: Exceptions) -> list[Verdict]:
    accepted = exceptions.holds_of(env.name)
    memo: dict[str, str | None] = {}
    verdicts = []
    for key, dist in env.installed.items():
        project = env.projects.get(key)
        if dist.editable:
            verdicts.append(Verdict(env.name, dist.name, dist.version, Status.LOCAL))
            continue
        if project is None:
            verdicts.append(Verdict(env.name, dist.name, dist.version, Status.NOT_ON_PYPI))
            continue
        if isinstance(project, ProjectLookupError):
            verdict = Verdict(env.name, dist.name, dist.version, Status.LOOKUP_FAILED)
            verdict.problems.append(f"PyPI lookup failed: {project}")
            verdicts.append(verdict)
            continue
        verdicts.append(_judge_one(env, key, project, accepted, exceptions, memo))
    return verdicts


def _judge_one(
    env: Environment, key: str, project: Project, accepted: dict[str, str], ex: Exceptions, memo: dict[str, str | None]
) -> Verdict:
    dist = env.installed[key]
    installed, latest = _release(dist.version), Version(project.latest)
    resolved = env.resolution.versions.get(key)
    verdict = Verdict(env.name, dist.name, dist.version, Status.CURRENT, project.latest, list(project.advisories))
    if resolved is not None and _release(resolved) > installed:
        verdict.status = Status.UPGRADABLE
        verdict.problems.append(f"upgrade to {resolved} (pip can install it alongside the accepted holds)")
    elif installed < latest:
        verdict.status = Status.HELD
        verdict.held_because = list(holders(env, key, project).values())
        holder = accepted_hold(env, key, accepted, memo)
        if holder:
            verdict.explanations.append(f"held by {holder}")
        else:
            verdict.problems.append("held, but by nothing accepted in the exceptions file")
    for advisory in project.advisories:
        ids = {advisory.id, *advisory.aliases}
        explained = next((e for e in ex.advisories if e.explains(env.name, dist.name, ids)), None)
        if explained:
            verdict.explanations.append(f"{advisory.id}: {explained.reason}")
        else:
            verdict.problems.append(f"advisory {advisory.id} not explained")
    return verdict


def stale_exceptions(verdicts: list[Verdict], exceptions: Exceptions) -> list[str]:
    """Explained advisory ids that no longer match any advisory: they can be removed."""
    seen = {(v.env, canonicalize_name(v.name), i) for v in verdicts for a in v.advisories for i in (a.id, *a.aliases)}
    return [
        f"exception for {e.package} {i} matched nothing: remove it if it is fixed"
        for e in exceptions.advisories
        for i in e.ids
        if not any((env, e.package, i) in seen for env in e.envs)
    ]
