"""schemathesis against the web application's own OpenAPI description: no server errors, no schema violations."""

from __future__ import annotations

import subprocess

import pytest

from tests.processes import BIN
from tests.stack import Stack

pytestmark = pytest.mark.slow


def test_the_api_keeps_its_contract(stack: Stack) -> None:
    result = subprocess.run(
        [
            str(BIN / "schemathesis"),
            "run",
            f"{stack.web_url}/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            "40",
            "--request-timeout",
            "60",
            "--seed",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert "Tested: 2" in result.stdout
