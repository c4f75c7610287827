"""Dependency audit for machines where pip-audit's sources (PyPI's per-release JSON API, api.osv.dev) don't answer.

Per environment: pipdeptree lists what is installed and who requires what; PyPI's project JSON gives each project's
latest release and the advisories PyPI lists for it; `pip install --dry-run --report` says what pip could install
with only the holds accepted in exceptions.toml kept in place. A distribution is then
- current: at the latest release, audited exactly (the data pip-audit's PyPI service would give);
- held: below it and pip can install nothing newer; NOT audited (any advisory on the latest release is shown);
- upgradable: pip could install a newer release: a finding.
The run fails (exit 1) on an upgradable distribution, an advisory not explained by id in the exceptions file, and a
hold that no accepted hold explains. With --pip-audit-if-reachable it runs pip-audit instead where pip-audit's
PyPI service answers.

Usage: python -m tools.audit.pypi_audit [--exceptions FILE] [--pip-audit-if-reachable] ENV=VENV ...
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from pathlib import Path

from tools.audit.exceptions import Exceptions, load_exceptions
from tools.audit.inventory import read_inventory
from tools.audit.releases import fetch_projects, per_release_api_answers
from tools.audit.resolve import ResolutionError, newest_installable, requirement_lines
from tools.audit.verdict import NEWER_RELEASES, Environment, Status, Verdict, judge, stale_exceptions


def audit_environment(name: str, venv: Path, exceptions: Exceptions) -> list[Verdict]:
    installed = read_inventory(venv)
    projects = fetch_projects(key for key, dist in installed.items() if not dist.editable)
    kept = set(exceptions.holds_of(name))
    resolution = newest_installable(venv, requirement_lines(installed, kept))
    return judge(Environment(name, installed, projects, resolution), exceptions)


def print_report(env: str, verdicts: list[Verdict], accepted: dict[str, str]) -> None:
    counts: dict[str, int] = {}
    for verdict in verdicts:
        counts[verdict.status] = counts.get(verdict.status, 0) + 1
    print(f"== {env}: {len(verdicts)} distributions: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    used: set[str] = set()
    for v in verdicts:
        if v.status in (Status.LOCAL, Status.NOT_ON_PYPI) or (v.status == Status.CURRENT and not v.advisories):
            continue
        line = f"  {'[FAIL]' if v.problems else '[ok]  '} {v.name} {v.installed} {v.status}"
        print(line + (f", latest {v.latest}: this version NOT audited" if v.status != Status.CURRENT else ""))
        for why in v.held_because:
            print(f"           why: {why}")
        for a in v.advisories:
            where = "this version" if v.status == Status.CURRENT else "the latest release"
            fixed = ", ".join(a.fixed_in) or "none"
            print(f"           {a.id} ({', '.join(a.aliases)}) affects {where}; fixed in: {fixed}. {a.summary}")
        for explanation in v.explanations:
            used.add(explanation.removeprefix("held by "))
            print(f"           explained: {' '.join(explanation.split())[:300]}")
        for problem in v.problems:
            print(f"           PROBLEM: {problem}")
    for holder in sorted(used & set(accepted)):
        print(f"  accepted hold, {holder}: {' '.join(accepted[holder].split())}")
    if NEWER_RELEASES in used:
        print(f"  held by {NEWER_RELEASES}: pip can install no newer release alongside the accepted holds")
    print()


def run_pip_audit(envs: list[tuple[str, Path]]) -> int:
    returncode = 0
    for env, venv in envs:
        [site] = venv.glob("lib/python*/site-packages")
        print(f"== pip-audit (PyPI service) of {env}: {site}", flush=True)
        command = [sys.executable, "-m", "pip_audit", "--progress-spinner", "off", "-s", "pypi", "--path", str(site)]
        returncode |= subprocess.run(command, check=False).returncode
    return returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("envs", nargs="+", metavar="ENV=VENV")
    parser.add_argument("--exceptions", type=Path, default=Path(__file__).with_name("exceptions.toml"))
    parser.add_argument("--pip-audit-if-reachable", action="store_true", help="run pip-audit where it can work")
    args = parser.parse_args(argv)
    envs = [(env, Path(venv)) for env, _, venv in (spec.partition("=") for spec in args.envs)]
    for env, venv in envs:
        if not (venv / "bin" / "python").exists():
            parser.error(f"no Python environment at {venv} (for {env})")
    if args.pip_audit_if_reachable:
        if per_release_api_answers():
            return run_pip_audit(envs)
        print(
            f"{dt.date.today()}: PyPI's per-release JSON API does not answer from here; auditing against the "
            "advisories in PyPI's project JSON.\n"
        )
    exceptions = load_exceptions(args.exceptions)
    verdicts: list[Verdict] = []
    try:
        for env, venv in envs:
            found = audit_environment(env, venv, exceptions)
            print_report(env, found, exceptions.holds_of(env))
            verdicts += found
    except ResolutionError as error:
        print(f"FAILED: pip cannot install the accepted holds together:\n{error}")
        return 1
    for warning in stale_exceptions(verdicts, exceptions):
        print("warning:", warning)
    failed = [v for v in verdicts if v.problems]
    if failed:
        print(f"FAILED: {len(failed)} distributions with findings not explained in {args.exceptions}")
        return 1
    print(f"OK: every finding is explained in {args.exceptions}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
