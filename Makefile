# Tandem's two commands: `make run` (the demo on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: install run test lint typecheck migrations-check pytest e2e openapi messages vendor clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Tandem needs Python 3.11 or newer; set PYTHON=python3.11 (or newer).")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

run: install
	$(BIN)/tandem migrate --noinput
	$(BIN)/tandem demo --if-missing
	$(BIN)/tandem run

test: install lint typecheck migrations-check pytest

lint: install
	$(BIN)/ruff check src tests

typecheck: install
	$(BIN)/mypy

migrations-check: install
	$(BIN)/tandem makemigrations --check --dry-run

pytest: install
	$(BIN)/pytest $(PYTEST_ARGS)

e2e: install
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

openapi: install
	$(BIN)/tandem export_openapi_schema --api tandem.config.api.api --indent 2 --sorted --output docs/openapi.json

messages: install
	cd src/tandem && ../../$(BIN)/tandem makemessages -l vi --ignore=engine && ../../$(BIN)/tandem compilemessages

vendor:
	bash scripts/vendor_assets.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
