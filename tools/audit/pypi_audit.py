"""Dependency audit for machines where pip-audit's sources (PyPI's per-release JSON API, api.osv.dev) don't answer.

pip-audit asks https://pypi.org/pypi/NAME/VERSION/json or api.osv.dev about each installed release. Where neither
answers, the live source left is the project JSON (https://pypi.org/pypi/NAME/json): its "vulnerabilities" field
lists PyPI's advisories (fed from OSV) that affect the project's *latest* release. So, per installed distribution:

- current: installed at the latest release; audited exactly (the data pip-audit's PyPI service would give);
- held: below the latest, and newer releases cannot be installed here (a dependent's requirement, the environment's
  Python, or the newest release's own requirements on a held package); NOT audited for its own version: the tool
  prints who holds it, and any advisory on the latest release (which probably affects the older one too);
- upgradable: below the latest and nothing installed holds it; a finding: upgrade it.

The run fails (exit 1) on any advisory not explained by id in the exceptions file, on an upgradable package, and on
a held package none of whose holders (followed back through other held packages) is accepted there.
With --pip-audit-if-reachable it runs pip-audit instead when the per-release API or api.osv.dev answers.

Usage: python tools/audit/pypi_audit.py [--exceptions FILE] [--json OUT] ENV=SITE_PACKAGES ...
Needs only the standard library and `packaging`.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import importlib.metadata
import io
import json
import re
import subprocess
import sys
import tomllib
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

PYPI = "https://pypi.org/pypi"
OSV_QUERY = "https://api.osv.dev/v1/query"
MAX_CANDIDATES = 20  # newer releases whose requirements are checked, newest first


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _request(url: str, **kwargs: Any) -> urllib.request.Request:
    if not url.startswith("https://"):
        raise ValueError(f"refusing a non-https URL: {url}")
    return urllib.request.Request(url, **kwargs)  # noqa: S310 (https only, checked above)


def _open(req: urllib.request.Request, timeout: float) -> Any:
    return urllib.request.urlopen(req, timeout=timeout)  # noqa: S310 (built by _request: https only)


@dataclass
class Dist:
    name: str
    version: str
    local: bool
    requires: list[str]
    extras: set[str] = field(default_factory=set)  # extras that installed distributions ask of this one


@dataclass
class Result:
    env: str
    name: str
    installed: str
    latest: str | None = None
    status: str = ""  # current | held | upgradable | ahead | local | not-on-pypi | lookup-failed
    upgrade_to: str | None = None
    held_by: list[str] = field(default_factory=list)  # "python", or names of installed distributions
    hold_notes: list[str] = field(default_factory=list)
    advisories: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    explanations: list[str] = field(default_factory=list)


def fetch_json(url: str, data: bytes | None = None, timeout: float = 30.0) -> tuple[int, dict[str, Any] | None]:
    req = _request(url, data=data, headers={"Accept": "application/json", "User-Agent": "consult-audit"})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    for attempt in range(3):
        try:
            with _open(req, timeout) as resp:
                return resp.status, json.load(resp)
        except urllib.error.HTTPError as exc:
            if exc.code < 500 or attempt == 2:
                return exc.code, None
        except (urllib.error.URLError, TimeoutError, OSError):
            if attempt == 2:
                return 0, None
    return 0, None


def installed_dists(site: Path) -> dict[str, Dist]:
    out: dict[str, Dist] = {}
    for dist in importlib.metadata.distributions(path=[str(site)]):
        name = dist.metadata["Name"]
        if not name:
            continue
        local = False
        direct = dist.read_text("direct_url.json")
        if direct:
            info = json.loads(direct)
            local = bool(info.get("dir_info", {}).get("editable")) or info.get("url", "").startswith("file:")
        out[normalize(name)] = Dist(name, dist.version, local, list(dist.requires or []))
    return dict(sorted(out.items()))


def python_of(site: Path) -> str:
    m = re.search(r"python(\d+\.\d+)", str(site))
    if not m:
        raise SystemExit(f"cannot tell the Python version of {site} (expected .../lib/pythonX.Y/site-packages)")
    return m.group(1)


def marker_env(python: str) -> dict[str, str]:
    env = {k: str(v) for k, v in default_environment().items()}
    env.update(python_version=python, python_full_version=f"{python}.0", extra="")
    return env


def applies(req: Requirement, python: str, extras: set[str]) -> bool:
    """Whether a requirement's marker holds here, for the distribution's plain install or any extra asked of it."""
    if not req.marker:
        return True
    env = marker_env(python)
    return any(req.marker.evaluate({**env, "extra": e}) for e in ["", *sorted(extras)])


def parse(raw: str) -> Requirement | None:
    try:
        return Requirement(raw)
    except InvalidRequirement:
        return None


def mark_requested_extras(dists: dict[str, Dist], python: str) -> None:
    changed = True
    while changed:
        changed = False
        for dist in dists.values():
            for req in filter(None, map(parse, dist.requires)):
                other = dists.get(normalize(req.name))
                if other and req.extras - other.extras and applies(req, python, dist.extras):
                    other.extras |= req.extras
                    changed = True


def requirements_on(dists: dict[str, Dist], python: str) -> dict[str, list[tuple[str, SpecifierSet]]]:
    """{package: [(dependent, specifier)]} from every installed distribution's requirements that apply here."""
    out: dict[str, list[tuple[str, SpecifierSet]]] = {}
    for key, dist in dists.items():
        for req in filter(None, map(parse, dist.requires)):
            if str(req.specifier) and applies(req, python, dist.extras):
                out.setdefault(normalize(req.name), []).append((key, req.specifier))
    return out


def release_python_ok(files: list[dict[str, Any]], python: str) -> bool:
    v = Version(python + ".0")
    for f in files:
        rp = f.get("requires_python")
        if not rp:
            return True
        try:
            if SpecifierSet(rp).contains(v, prereleases=True):
                return True
        except InvalidSpecifier:
            return True
    return False


def advisories_of(project: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for v in project.get("vulnerabilities") or []:
        if v.get("withdrawn"):
            continue
        text = (v.get("summary") or v.get("details") or "").strip()
        out.append(
            {
                "id": v["id"],
                "aliases": v.get("aliases") or [],
                "fixed_in": v.get("fixed_in") or [],
                "summary": text.splitlines()[0][:200] if text else "",
                "link": v.get("link"),
            }
        )
    return out


def assess(
    env: str,
    key: str,
    dist: Dist,
    project: dict[str, Any] | None,
    code: int,
    python: str,
    dists: dict[str, Dist],
    reqs: dict[str, list[tuple[str, SpecifierSet]]],
) -> Result:
    r = Result(env, dist.name, dist.version)
    if dist.local:
        r.status = "local"
        return r
    if project is None:
        r.status = "not-on-pypi" if code == 404 else "lookup-failed"
        if r.status == "lookup-failed":
            r.problems.append(f"PyPI lookup failed (HTTP {code or 'no answer'})")
        return r
    r.latest = project["info"]["version"]
    r.advisories = advisories_of(project)
    inst = Version(Version(dist.version).public)  # a local label (torch's "+cpu") is the same release
    latest = Version(r.latest)
    if inst >= latest:
        r.status = "current" if inst == latest else "ahead"
        return r
    newer = []
    for raw, files in project.get("releases", {}).items():
        try:
            v = Version(raw)
        except InvalidVersion:
            continue
        usable = files and not all(f.get("yanked") for f in files)
        if v > inst and usable and (not v.is_prerelease or inst.is_prerelease):
            newer.append((v, files))
    newer.sort()
    py_ok = [v for v, files in newer if release_python_ok(files, python)]
    if not py_ok:
        r.status = "held"
        r.held_by.append("python")
        r.hold_notes.append(f"no newer release supports Python {python}")
        return r
    dependents = reqs.get(key, [])
    allowed = [v for v in py_ok if all(spec.contains(v, prereleases=True) for _, spec in dependents)]
    if not allowed:
        r.status = "held"
        for dep, spec in dependents:
            if not spec.contains(py_ok[-1], prereleases=True):
                r.held_by.append(dep)
                r.hold_notes.append(f"{dists[dep].name} {dists[dep].version} requires {r.name}{spec}")
        if py_ok[-1] != newer[-1][0]:
            r.held_by.append("python")
            r.hold_notes.append(f"releases after {py_ok[-1]} need a newer Python than {python}")
        return r
    # Newer releases' own requirements must accept what is installed (else they wait on another package).
    first_conflicts: list[str] = []
    window = allowed[-MAX_CANDIDATES:]
    for v in reversed(window):
        if v == latest:
            requires: list[str] | None = project["info"].get("requires_dist") or []
        else:
            requires = wheel_requires(key, str(v), project)
        if requires is None:
            r.status = "upgradable"
            r.upgrade_to = str(v)
            r.hold_notes.append(f"the requirements of {v} could not be read: check by hand whether it fits")
            return r
        conflicts = conflicting(requires, python, dists, dist.extras)
        if not conflicts:
            r.status = "upgradable"
            r.upgrade_to = str(v)
            return r
        first_conflicts = first_conflicts or [f"{r.name} {v}: {c}" for c in conflicts.values()]
        if v == allowed[-1]:
            r.held_by.extend(conflicts)
    r.status = "held"
    r.hold_notes.extend(first_conflicts)
    if len(allowed) > len(window):
        r.hold_notes.append(f"{len(allowed) - len(window)} older candidates ({allowed[0]}...) not checked")
    return r


class RangeFile(io.RawIOBase):
    """A remote file read through HTTP range requests (in 64 KiB blocks), enough for zipfile to read one member."""

    BLOCK = 65536

    def __init__(self, url: str) -> None:
        self.url, self.pos = url, 0
        self.blocks: dict[int, bytes] = {}
        with _open(_request(url, method="HEAD"), 30) as resp:
            self.size = int(resp.headers["Content-Length"])

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = {0: offset, 1: self.pos + offset, 2: self.size + offset}[whence]
        return self.pos

    def _block(self, n: int) -> bytes:
        if n not in self.blocks:
            start, end = n * self.BLOCK, min(self.size, (n + 1) * self.BLOCK) - 1
            with _open(_request(self.url, headers={"Range": f"bytes={start}-{end}"}), 60) as resp:
                if resp.status != 206:
                    raise OSError("no range support")
                self.blocks[n] = resp.read()
        return self.blocks[n]

    def read(self, size: int = -1) -> bytes:
        end = self.size if size < 0 else min(self.size, self.pos + size)
        out = bytearray()
        while self.pos < end:
            block = self._block(self.pos // self.BLOCK)
            off = self.pos % self.BLOCK
            chunk = block[off : off + end - self.pos]
            out += chunk
            self.pos += len(chunk)
        return bytes(out)

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def wheel_requires(key: str, version: str, project: dict[str, Any]) -> list[str] | None:
    """Requires-Dist of one release: its wheel's metadata file (PEP 658), else METADATA read from the wheel by range
    requests; None if neither can be read."""
    files = project.get("releases", {}).get(version) or []
    # The project JSON may give file URLs relative to itself.
    wheels = [urllib.parse.urljoin(f"{PYPI}/{key}/json", f["url"]) for f in files if f["filename"].endswith(".whl")]
    for url in wheels[:2]:
        text = None
        try:
            with _open(_request(url + ".metadata"), 30) as resp:
                text = resp.read().decode("utf-8", "replace")
        except (urllib.error.URLError, TimeoutError, OSError, ValueError):
            try:
                with zipfile.ZipFile(RangeFile(url)) as zf:
                    member = next(n for n in zf.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
                    text = zf.read(member).decode("utf-8", "replace")
            except (urllib.error.URLError, TimeoutError, OSError, ValueError, StopIteration, zipfile.BadZipFile):
                continue
        headers = text.split("\n\n", 1)[0]
        return [line.split(":", 1)[1].strip() for line in headers.splitlines() if line.startswith("Requires-Dist:")]
    return None


def conflicting(requires: list[str], python: str, dists: dict[str, Dist], extras: set[str]) -> dict[str, str]:
    """{installed package: why} for requirements that the installed version does not meet."""
    out = {}
    for req in filter(None, map(parse, requires)):
        if not applies(req, python, extras):
            continue
        other = dists.get(normalize(req.name))
        if other and not req.specifier.contains(Version(Version(other.version).public), prereleases=True):
            out[normalize(req.name)] = f"requires {req.name}{req.specifier}, {other.version} installed"
    return out


def load_exceptions(path: Path) -> tuple[dict[str, dict[str, str]], list[dict[str, Any]]]:
    """({env: {holder: reason}}, [advisory entries]).

    [[hold]] env, by, reason: `by` is "python" (no newer release supports the environment's Python) or a package,
    which is then kept at its installed version and whose requirements are accepted reasons to hold others.
    [[advisory]] env, package, ids, reason: advisories explained (an id or any of its aliases)."""
    if not path.exists():
        return {}, []
    data = tomllib.loads(path.read_text())
    holds: dict[str, dict[str, str]] = {}
    for h in data.get("hold", []):
        for env in [h["env"]] if isinstance(h["env"], str) else h["env"]:
            holds.setdefault(env, {})[normalize(h["by"]) if h["by"] != "python" else "python"] = h["reason"]
    return holds, data.get("advisory", [])


def judge(results: list[Result], holds: dict[str, dict[str, str]], advisories: list[dict[str, Any]]) -> list[str]:
    """Fill problems/explanations; return warnings about exceptions that no longer match anything."""
    used: set[tuple[int, str]] = set()
    by_env: dict[str, dict[str, Result]] = {}
    for r in results:
        by_env.setdefault(r.env, {})[normalize(r.name)] = r

    def accepted(env: str, key: str, seen: frozenset[str], python: bool) -> str | None:
        """The accepted holder that holds this package, following holders that are themselves held; the
        environment's Python counts only when `python` (so that a package's real holder is named first)."""
        r = by_env[env].get(key)
        for h in r.held_by if r else []:
            if h in holds.get(env, {}) and (h != "python" or python):
                return f"held by {h}"
            hr = by_env[env].get(h)
            if hr and hr.status == "held" and h not in seen:
                via = accepted(env, h, seen | {h}, python)
                if via:
                    return via
        return None

    for r in results:
        if r.status == "upgradable":
            kept = holds.get(r.env, {}).get(normalize(r.name))
            if kept:
                r.explanations.append(f"kept at {r.installed} (see below)")
            else:
                r.problems.append(f"upgrade to {r.upgrade_to} (nothing installed holds it)")
        elif r.status == "held":
            seen = frozenset({normalize(r.name)})
            reason = accepted(r.env, normalize(r.name), seen, False) or accepted(r.env, normalize(r.name), seen, True)
            if reason:
                r.explanations.append(reason)
            else:
                r.problems.append("held, but no accepted holder in the exceptions file: " + "; ".join(r.hold_notes))
        if r.status in ("current", "ahead", "held", "upgradable"):
            for a in r.advisories:
                ids = {a["id"], *a["aliases"]}
                hit = None
                for i, e in enumerate(advisories):
                    envs = [e["env"]] if isinstance(e.get("env", "*"), str) else e["env"]
                    if (
                        normalize(e["package"]) == normalize(r.name)
                        and ("*" in envs or r.env in envs)
                        and ids.intersection(e["ids"])
                    ):
                        hit = e
                        used.update((i, x) for x in ids.intersection(e["ids"]))
                        break
                if hit:
                    r.explanations.append(f"{a['id']}: {hit['reason']}")
                else:
                    r.problems.append(f"advisory {a['id']} not explained")
    warnings = []
    for i, e in enumerate(advisories):
        for x in e["ids"]:
            if (i, x) not in used:
                warnings.append(f"exception for {e['package']} {x} matched nothing: remove it if it is fixed")
    return warnings


def probe_exact_sources() -> str | None:
    """The vulnerability service pip-audit can use from here, if any."""
    code, _ = fetch_json(f"{PYPI}/pip/24.0/json", timeout=15)
    if code == 200:
        return "pypi"
    body = json.dumps({"package": {"name": "pip", "ecosystem": "PyPI"}, "version": "24.0"}).encode()
    code, _ = fetch_json(OSV_QUERY, data=body, timeout=15)
    return "osv" if code == 200 else None


def run_pip_audit(service: str, envs: list[tuple[str, Path]]) -> int:
    rc = 0
    pip_audit = Path(sys.executable).with_name("pip-audit")
    for env, site in envs:
        print(f"== pip-audit ({service} service) of {env}: {site}", flush=True)
        rc |= subprocess.call([str(pip_audit), "--progress-spinner", "off", "-s", service, "--path", str(site)])
    return rc


def report(env: str, python: str, results: list[Result], holds: dict[str, str]) -> None:
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    print(
        f"== {env} (Python {python}): {len(results)} distributions: "
        + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    )
    used: set[str] = set()
    for r in results:
        if r.status == "not-on-pypi":
            print(f"  [ok]   {r.name} {r.installed}: not on PyPI (nothing to check)")
        if r.status in ("local", "not-on-pypi") or (r.status in ("current", "ahead") and not r.advisories):
            continue
        mark = "[FAIL]" if r.problems else "[ok]  "
        line = f"  {mark} {r.name} {r.installed} {r.status}"
        if r.status in ("held", "upgradable"):
            line += f", latest {r.latest}: this version NOT audited"
        print(line)
        for note in r.hold_notes:
            print(f"           why: {note}")
        for a in r.advisories:
            where = "this version" if r.status in ("current", "ahead") else "the latest release"
            fixed = ", ".join(a["fixed_in"]) or "none"
            print(
                f"           {a['id']} ({', '.join(a['aliases'])}) affects {where}; fixed in: {fixed}. {a['summary']}"
            )
        for e in r.explanations:
            if e.startswith("held by "):
                used.add(e.removeprefix("held by "))
            elif e.startswith("kept at "):
                used.add(normalize(r.name))
            print(f"           explained: {' '.join(e.split())[:300]}")
        for p in r.problems:
            print(f"           PROBLEM: {p}")
    for holder in sorted(used):
        print(f"  accepted hold, {holder}: {' '.join(holds[holder].split())}")
    print()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("envs", nargs="+", metavar="ENV=SITE_PACKAGES")
    ap.add_argument("--exceptions", type=Path, default=Path(__file__).with_name("exceptions.toml"))
    ap.add_argument("--json", type=Path, help="write every result here")
    ap.add_argument(
        "--pip-audit-if-reachable",
        action="store_true",
        help="run pip-audit instead when PyPI's per-release JSON API or api.osv.dev answers",
    )
    ap.add_argument("--workers", type=int, default=8)
    args = ap.parse_args(argv)

    envs = [(env, Path(site)) for env, _, site in (spec.partition("=") for spec in args.envs)]
    if args.pip_audit_if_reachable:
        service = probe_exact_sources()
        if service:
            return run_pip_audit(service, envs)
        print(
            f"{dt.date.today()}: PyPI's per-release JSON API and api.osv.dev do not answer from here; "
            "auditing against the advisories in PyPI's project JSON.\n"
        )

    per_env = {env: (python_of(site), installed_dists(site)) for env, site in envs}
    names = sorted({k for _, dists in per_env.values() for k, d in dists.items() if not d.local})
    with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
        projects = dict(zip(names, pool.map(lambda n: fetch_json(f"{PYPI}/{n}/json"), names), strict=True))

    results: list[Result] = []
    for env, (python, dists) in per_env.items():
        mark_requested_extras(dists, python)
        reqs = requirements_on(dists, python)
        for key, dist in dists.items():
            code, project = projects.get(key, (0, None))
            results.append(assess(env, key, dist, project, code, python, dists, reqs))
    holds, advisory_exceptions = load_exceptions(args.exceptions)
    warnings = judge(results, holds, advisory_exceptions)
    for env, (python, _) in per_env.items():
        report(env, python, [r for r in results if r.env == env], holds.get(env, {}))
    for w in warnings:
        print("warning:", w)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1))
    failed = [r for r in results if r.problems]
    if failed:
        print(f"FAILED: {len(failed)} distributions with findings not explained in {args.exceptions}")
        return 1
    print(f"OK: every finding is explained in {args.exceptions}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
