# Control Tower — the two commands (`make demo`, `make test`) and a few helpers.
# Works on a fresh Linux machine with Python 3.11+; everything installs into ./.venv from the lock
# files (requirements*.lock, exact versions), which `make lock` regenerates from the ranges in
# requirements*.txt.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
# Same flags for both lock files; never write a local index or wheel directory into them.
PIP_COMPILE := $(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --no-emit-trusted-host
# `make test CHECKS=` skips ruff and mypy (CI runs them once, not once per database).
CHECKS ?= 1
# The inner loop: no browser, nothing marked slow.
FAST := -m "not browser and not slow"
# The suite runs on every core (pytest-xdist); tests/workers.py gives each worker its own Redis and
# database. WORKERS=0 runs it in one process.
WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -p tests.workers -n $(WORKERS) $(if $(filter 0,$(WORKERS)),,--dist worksteal)

# $(call timed,NAME,COMMAND): run COMMAND, then print "=== phase NAME: N s" even when it fails.
timed = start=$$(date +%s); $(2); status=$$?; echo "=== phase $(1): $$(( $$(date +%s) - start )) s"; exit $$status

.PHONY: demo test test-fast bench load fuzz fault install install-dev lint mypy format lock clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# uv installs the lock files in seconds where pip takes minutes (parallel downloads, no per-package
# resolver pass); pip only bootstraps it. Same lock, same versions.
UV_VERSION := 0.13.9
UV := $(BIN)/uv pip install --quiet --python $(BIN)/python

$(BIN)/uv: | $(VENV)/bin/python
	$(PIP) install uv==$(UV_VERSION)

$(VENV)/.runtime-installed: requirements.lock | $(BIN)/uv
	$(UV) -r requirements.lock
	touch $@

$(VENV)/.dev-installed: requirements.lock requirements-dev.lock | $(BIN)/uv
	$(UV) -r requirements-dev.lock
	touch $@ $(VENV)/.runtime-installed

# The browser tests' JavaScript tools (axe-core), from tests/e2e/package-lock.json; skipped with a
# note where there is no npm or no registry (the accessibility test then says how to install them).
E2E_NODE_MODULES := tests/e2e/node_modules

$(E2E_NODE_MODULES): tests/e2e/package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then echo "npm not found: the accessibility browser test will be skipped (install Node.js 18+)"; \
	elif ! (cd tests/e2e && npm ci --no-audit --no-fund); then echo "npm ci failed in tests/e2e: the accessibility browser test will be skipped"; \
	else touch $@; fi

install: $(VENV)/.runtime-installed
install-dev: $(VENV)/.dev-installed $(E2E_NODE_MODULES)

## make lock: pin every package (and its dependencies) from requirements*.txt into requirements*.lock
lock: install-dev
	$(PIP_COMPILE) --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) --output-file requirements-dev.lock requirements-dev.txt
	sed -i -E '/^--(find-links|index-url|extra-index-url|trusted-host)/d' requirements.lock requirements-dev.lock

## make demo: embedded runtime (SQLite, app-managed Redis, Odoo simulator, Daphne, Celery worker + beat)
demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py dock_demo_day
	$(BIN)/python manage.py kpis_demo_history
	$(BIN)/python manage.py advisor_demo
	$(BIN)/python manage.py ensure_schedules
	$(BIN)/python manage.py approvals_defaults
	$(BIN)/python manage.py run_demo

## make run: the whole stack against your Odoo (ODOO_URL...), no simulator, no demo data.
## Run `manage.py prepare_instance` once first (migrate, schedules, policies, first admin).
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py run_stack

## make test: ruff (format + lint), mypy and the suite (PYTEST_ARGS narrows it, CHECKS= skips ruff and mypy).
## The embedded Redis for tests uses its own port (6381 unless EMBEDDED_REDIS_PORT says otherwise).
test: install-dev
	@if [ -n "$(CHECKS)" ]; then $(MAKE) --no-print-directory lint mypy; fi
	@$(call timed,tests $(if $(DATABASE_URL),PostgreSQL,SQLite),EMBEDDED_REDIS_PORT=$${EMBEDDED_REDIS_PORT:-6381} $(PYTEST) $(PYTEST_ARGS))

## make test-fast: the inner loop — no browser, no slow tests, no lint (a minute or two)
test-fast: install-dev
	EMBEDDED_REDIS_PORT=$${EMBEDDED_REDIS_PORT:-6381} $(PYTEST) $(FAST) $(PYTEST_ARGS)

## make bench: benchmarks (PostgreSQL when DATABASE_URL is set); results in tests/perf/results/latest.json
bench: install-dev
	$(BIN)/python -m tests.perf.run $(BENCH)

## make load: the load test (tests/perf/bench_load.py, locust): 50 users for 300 s after a 30 s warm-up
## against PostgreSQL + Redis + Daphne + a Celery worker + the Odoo simulator, all on this machine;
## writes load_p95_ms, load_error_rate, load_rps like `make bench` (which runs it short).
## LOAD_USERS, LOAD_WARMUP_S, LOAD_DURATION_S change the run. Needs DATABASE_URL (PostgreSQL).
load: install-dev
	@if [ -z "$$DATABASE_URL" ]; then echo "make load needs DATABASE_URL (PostgreSQL)"; exit 2; fi
	@$(call timed,load,LOAD_USERS=$${LOAD_USERS:-50} LOAD_WARMUP_S=$${LOAD_WARMUP_S:-30} LOAD_DURATION_S=$${LOAD_DURATION_S:-300} $(BIN)/python -m tests.perf.run load)

## make fuzz: the fuzz tests (schemathesis over the API schema, Hypothesis on webhooks and websockets)
## with a large budget; the suite runs the same tests with a small one. FUZZ_EXAMPLES=N to change it.
fuzz: install-dev
	EMBEDDED_REDIS_PORT=$${EMBEDDED_REDIS_PORT:-6381} FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-500} \
		$(BIN)/pytest -m fuzz -p no:randomly -o timeout=3600 $(PYTEST_ARGS)

## make fault: the fault and scale-out suite (tests/fault, marker `fault`), long version: Odoo down
## FAULT_OUTAGE_S seconds (120 by default; CI's run uses 20). Production path only: DATABASE_URL
## (PostgreSQL) and REDIS_URL must be set; the suite starts its own Redis for the processes it breaks.
fault: install-dev
	@if [ -z "$$DATABASE_URL" ] || [ -z "$$REDIS_URL" ]; then echo "make fault needs DATABASE_URL (PostgreSQL) and REDIS_URL"; exit 2; fi
	@$(call timed,fault,FAULT_OUTAGE_S=$${FAULT_OUTAGE_S:-120} $(BIN)/python -m pytest -p tests.workers -n 0 -p no:randomly -s -m fault $(PYTEST_ARGS) tests/fault)

lint: install-dev
	@$(call timed,lint,$(BIN)/ruff format --check . && $(BIN)/ruff check .)

mypy: install-dev
	@$(call timed,mypy,$(BIN)/mypy)

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache .mypy_cache $(E2E_NODE_MODULES)
