# Set-up is idempotent: each step runs only when what it depends on has changed.
PYTHON311 ?= python3.11
VENV := .venv
APP_STAMP := $(VENV)/.installed

.PHONY: setup run test lint bench eval clean

setup: $(APP_STAMP)

# torch comes first, from the CPU build on local disk; otherwise sentence-transformers pulls a multi-GB CUDA build.
$(APP_STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON311) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet torch==2.13.0
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	@touch $@

run: setup
	$(VENV)/bin/consult survey migrate
	$(VENV)/bin/consult index build
	$(VENV)/bin/consult serve

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest

eval: setup
	$(VENV)/bin/consult eval --split all

bench: setup
	$(VENV)/bin/python -m bench

clean:
	rm -rf $(VENV) data .mypy_cache .ruff_cache .pytest_cache
