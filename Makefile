# Set-up is idempotent: each step runs only when what it depends on has changed.
PYTHON311 ?= python3.11
VENV := .venv
APP_STAMP := $(VENV)/.installed
RASA_STAMP := .venv-rasa/.consult-constraints
BROWSER_STAMP := tests/browser/node_modules/.installed

.PHONY: setup run test audit bench eval clean

setup: $(APP_STAMP) $(RASA_STAMP)

# torch comes first, from the CPU build on local disk; otherwise sentence-transformers pulls a multi-GB CUDA build.
$(APP_STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON311) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet torch==2.13.0
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	@touch $@

# Rasa 3.6 needs Python 3.10: its own environment, pinned by a constraints file.
$(RASA_STAMP): bot/rasa/constraints.txt $(APP_STAMP)
	$(VENV)/bin/consult rasa install

# Browser tests: Debian's Chromium (never `playwright install`) and axe-core from the npm registry.
$(BROWSER_STAMP): tests/browser/package-lock.json
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	npm ci --prefix tests/browser --no-audit --no-fund --silent
	@touch $@

run: setup
	$(VENV)/bin/consult up

test: setup $(BROWSER_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest

# Dependency audit of both environments: pip-audit where PyPI's per-release JSON API answers, else the advisories in
# PyPI's project JSON, with pipdeptree and pip's resolver for what holds a package back; findings are explained in
# tools/audit/exceptions.toml (see docs/security.md).
audit: setup
	$(VENV)/bin/python -m tools.audit.pypi_audit --pip-audit-if-reachable app=$(VENV) rasa=.venv-rasa

eval: setup
	$(VENV)/bin/consult eval --split all

bench: setup
	$(VENV)/bin/python -m bench

clean:
	rm -rf $(VENV) .venv-rasa data .mypy_cache .ruff_cache .pytest_cache
