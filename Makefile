# Practica: every day-to-day task is one `make` target.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo serve test test-fast lint format bench fuzz clean venv

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt -e .
	touch $@

## make demo: install, migrate, seed the demo community and serve it on http://$(HOST):$(PORT)
demo: venv
	$(BIN)/practica migrate --noinput
	$(BIN)/practica demo --url http://$(HOST):$(PORT)
	$(BIN)/practica serve --host $(HOST) --port $(PORT)

serve: venv
	$(BIN)/practica serve --host $(HOST) --port $(PORT)

## make test: the whole suite (browser tests need Debian's chromium; scripts/ensure-chromium installs it)
test: venv
	scripts/ensure-chromium
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: venv
	$(BIN)/pytest -m "not browser and not slow" $(PYTEST_ARGS)

## make lint: ruff (lint and format) and mypy; all three run, and any failure fails the target
lint: venv
	@status=0; \
	echo "$(BIN)/ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "$(BIN)/ruff format --check ."; $(BIN)/ruff format --check . || status=1; \
	echo "$(BIN)/mypy practica"; $(BIN)/mypy practica || status=1; \
	exit $$status

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make bench: benchmarks, JSON under bench/results/ and a table on the terminal
bench: venv
	$(BIN)/python -m bench.run

## make fuzz: schemathesis on every API operation, over 1,000 cases in a few minutes
## (PRACTICA_FUZZ_SCALE=5 multiplies the budget); `make test` leaves it out
fuzz: venv
	$(BIN)/pytest tests/fuzz -m fuzz $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache test-output
