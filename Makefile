# Control Tower — the two commands (`make demo`, `make test`) and a few helpers.
# Works on a fresh Linux machine with Python 3.11+; everything installs into ./.venv.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test bench fuzz install install-dev lint format run clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(VENV)/bin/python
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PIP) install -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

install: $(VENV)/.runtime-installed
install-dev: $(VENV)/.dev-installed

## make demo: embedded runtime (SQLite, app-managed Redis, Odoo simulator, Daphne, Celery worker + beat)
demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py ensure_schedules
	$(BIN)/python manage.py approvals_defaults
	$(BIN)/python manage.py run_demo

## make test: ruff (format + lint) and the whole suite. Embedded Redis for tests uses its own port.
test: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	EMBEDDED_REDIS_PORT=$${EMBEDDED_REDIS_PORT:-6381} $(BIN)/pytest $(PYTEST_ARGS)

## make bench: benchmarks (PostgreSQL when DATABASE_URL is set); results in tests/perf/results/latest.json
bench: install-dev
	$(BIN)/python -m tests.perf.run $(BENCH)

## make fuzz: the fuzz tests (schemathesis over the API schema, Hypothesis on webhooks and websockets)
## with a large budget; the suite runs the same tests with a small one. FUZZ_EXAMPLES=N to change it.
fuzz: install-dev
	EMBEDDED_REDIS_PORT=$${EMBEDDED_REDIS_PORT:-6381} FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-500} \
		$(BIN)/pytest -m fuzz -p no:randomly -o timeout=3600 $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
