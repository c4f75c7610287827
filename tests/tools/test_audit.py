"""The dependency audit: what it reads from pipdeptree, what it asks pip for, and how it judges each distribution."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.audit.exceptions import PYTHON, Exceptions, ExplainedAdvisory, Hold, load_exceptions
from tools.audit.inventory import Installed, read_inventory
from tools.audit.pypi_audit import main
from tools.audit.releases import Advisory, Project, ProjectLookupError
from tools.audit.resolve import Resolution, requirement_lines
from tools.audit.verdict import NEWER_RELEASES, Environment, Status, Verdict, judge, stale_exceptions

ROOT = Path(__file__).resolve().parents[2]
ADVISORY = Advisory("GHSA-1", ("CVE-1",), (), "a flaw")


def _env(
    installed: dict[str, Installed], projects: dict[str, Project | ProjectLookupError | None], resolved: dict[str, str]
) -> Environment:
    return Environment("app", installed, projects, Resolution(resolved, "3.11.9"))


def _by_name(verdicts: list[Verdict]) -> dict[str, Verdict]:
    return {v.name: v for v in verdicts}


def test_the_inventory_comes_from_pipdeptree_with_extras_and_the_editable_project() -> None:
    installed = read_inventory(ROOT / ".venv")
    assert installed["consult"].editable and not installed["pydantic"].editable
    assert "standard" in installed["uvicorn"].extras  # the project asks for uvicorn[standard]
    assert installed["consult"].requires["rasa-sdk"] == ">=3.11,<3.12"


def test_pip_is_asked_for_everything_at_its_release_or_newer_and_the_holds_exactly() -> None:
    installed = {
        "consult": Installed("consult", "0.1.0", editable=True, requires={"fastapi": "<0.142", "rich": ""}),
        "fastapi": Installed("fastapi", "0.141.1"),
        "rich": Installed("rich", "14.0.0"),
        "sympy": Installed("sympy", "1.14.0"),
        "torch": Installed("torch", "2.13.0+cpu"),
        "uvicorn": Installed("uvicorn", "0.50.1", extras={"standard"}),
    }
    lines = requirement_lines(installed, kept={"consult", "sympy"})
    assert sorted(lines) == sorted(
        [
            "fastapi<0.142",
            "rich",
            "fastapi>=0.141.1",
            "rich>=14.0.0",
            "sympy==1.14.0",
            "torch>=2.13.0",
            "uvicorn[standard]>=0.50.1",
        ]
    )
    assert not any(line.startswith("consult") for line in requirement_lines(installed, kept=set()))


def test_upgradable_and_unexplained_holds_are_findings_accepted_holds_are_not() -> None:
    installed = {
        "rasa-sdk": Installed("rasa-sdk", "3.11.2", requires={"sanic": ">=22.12,<23.0", "protobuf": "<4.26"}),
        "grpcio-tools": Installed("grpcio-tools", "1.62.3", requires={"protobuf": "<5"}),
        "protobuf": Installed("protobuf", "4.25.9"),
        "sanic": Installed("sanic", "22.12.0", requires={"multidict": ">=5.0,<7.0"}),
        "multidict": Installed("multidict", "6.9.1"),
        "schemathesis": Installed("schemathesis", "4.32.5", requires={"jsonschema-rs": "<0.61"}),
        "jsonschema-rs": Installed("jsonschema_rs", "0.60.3"),
        "scipy": Installed("scipy", "1.17.1"),
        "uvicorn": Installed("uvicorn", "0.50.1"),
        "rich": Installed("rich", "13.0.0"),
        "httpx": Installed("httpx", "0.28.1"),
    }
    projects: dict[str, Project | ProjectLookupError | None] = {
        "rasa-sdk": Project("3.11.2", ""),
        "grpcio-tools": Project("1.85.1", ""),
        "protobuf": Project("7.36.2", ""),
        "sanic": Project("25.12.1", ""),
        "multidict": Project("7.1.0", ""),
        "schemathesis": Project("4.32.5", ""),
        "jsonschema-rs": Project("0.61.2", ""),
        "scipy": Project("1.18.1", ">=3.12"),
        "uvicorn": Project("0.54.0", ""),
        "rich": Project("14.1.0", ""),
        "httpx": Project("0.28.1", "", [ADVISORY]),
    }
    resolved = {key: dist.version for key, dist in installed.items()} | {"rich": "14.1.0"}
    holds = [Hold("app", "rasa-sdk", "pins Sanic"), Hold("app", PYTHON, "Python 3.11")]
    verdicts = _by_name(judge(_env(installed, projects, resolved), Exceptions(holds, [])))

    assert verdicts["rich"].status is Status.UPGRADABLE and verdicts["rich"].problems
    assert verdicts["sanic"].explanations == ["held by rasa-sdk"]
    assert verdicts["multidict"].explanations == ["held by rasa-sdk"]  # through sanic, itself held by rasa-sdk
    assert verdicts["scipy"].explanations == ["held by python"]
    assert verdicts["uvicorn"].explanations == [f"held by {NEWER_RELEASES}"]
    assert verdicts["grpcio-tools"].explanations == [f"held by {NEWER_RELEASES}"]
    assert verdicts["protobuf"].explanations == ["held by rasa-sdk"]  # the named hold, not grpcio-tools' new releases
    assert verdicts["jsonschema_rs"].held_because == ["schemathesis 4.32.5 requires jsonschema_rs<0.61"]
    assert verdicts["jsonschema_rs"].problems == ["held, but by nothing accepted in the exceptions file"]
    assert verdicts["httpx"].status is Status.CURRENT
    assert verdicts["httpx"].problems == ["advisory GHSA-1 not explained"]
    assert not verdicts["rasa-sdk"].problems and not verdicts["schemathesis"].problems


def test_advisories_are_explained_by_id_or_alias_and_stale_explanations_are_reported() -> None:
    installed = {"httpx": Installed("httpx", "0.28.1"), "gone": Installed("gone", "1.0"), "ours": Installed("o", "1")}
    projects: dict[str, Project | ProjectLookupError | None] = {
        "httpx": Project("0.28.1", "", [ADVISORY]),
        "gone": ProjectLookupError("HTTP 503"),
        "ours": None,
    }
    explained = ExplainedAdvisory(("app",), "httpx", ("CVE-1", "PYSEC-9"), "does not apply")
    exceptions = Exceptions([], [explained])
    verdicts = judge(_env(installed, projects, {}), exceptions)
    found = _by_name(verdicts)
    assert found["httpx"].explanations == ["GHSA-1: does not apply"] and not found["httpx"].problems
    assert found["gone"].status is Status.LOOKUP_FAILED and found["gone"].problems
    assert found["o"].status is Status.NOT_ON_PYPI and not found["o"].problems
    [stale] = stale_exceptions(verdicts, exceptions)
    assert stale == "exception for httpx PYSEC-9 matched nothing: remove it if it is fixed"


def test_the_exceptions_file_names_installed_holders_and_explains_every_advisory_it_lists() -> None:
    exceptions = load_exceptions(ROOT / "tools" / "audit" / "exceptions.toml")
    assert {hold.env for hold in exceptions.holds} == {"app", "rasa"}
    app = read_inventory(ROOT / ".venv")
    assert set(exceptions.holds_of("app")) - {PYTHON} <= set(app)
    assert all(e.ids and e.reason for e in exceptions.advisories)


def test_an_environment_that_is_not_there_is_an_error_not_a_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([f"nowhere={tmp_path / 'missing'}"])
    assert exit_.value.code == 2
    assert "no Python environment at" in capsys.readouterr().err
