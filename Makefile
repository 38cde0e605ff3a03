# CongVu. `make run`: app with demo data on SQLite. `make test`: the whole test suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PYTEST_WORKERS ?= 2

# Settings for the test run: production-like (DEBUG off) with a throwaway key.
TEST_ENV := DJANGO_DEBUG=false SECRET_KEY=test-only-secret-key-not-for-production-0123456789abcdefgh \
            STATIC_MANIFEST=false SECURE_COOKIES=false

.PHONY: run test test-fast lint format messages bench clean e2e-deps browser-deps

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=true $(BIN)/python manage.py seed_demo --if-empty
	@echo "CongVu is at http://127.0.0.1:8000 (Ctrl+C to stop); background jobs run in a database worker beside it"
	DJANGO_DEBUG=true $(BIN)/python manage.py db_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  DJANGO_DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

# Browser tests (tests/e2e): axe-core from the npm registry, pinned by tests/e2e/package-lock.json.
E2E_AXE := tests/e2e/node_modules/axe-core/axe.min.js
$(E2E_AXE): tests/e2e/package.json tests/e2e/package-lock.json | browser-deps
	npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
	touch $@

e2e-deps: $(E2E_AXE)

# Chromium and npm from Debian: installed when run as root, else one line says what to install.
browser-deps:
	@sh scripts/browser_deps.sh

# Every test, browser journeys included: never passes with them skipped.
test: $(VENV)/.dev-installed browser-deps $(E2E_AXE)
	$(TEST_ENV) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Every test except the browser journeys, for a machine without Chromium (asked for explicitly).
test-fast: $(VENV)/.dev-installed
	$(TEST_ENV) SKIP_BROWSER_TESTS=1 $(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Project strings (core, staff, shared templates) live in locale/; each other app keeps its own
# <app>/locale/. Fill Vietnamese with scripts/po_fill.py, then compile.
APPS_WITH_LOCALE := training inspections scorecards offline jobs notifications audit
messages: $(VENV)/.installed
	DJANGO_DEBUG=true $(BIN)/python manage.py makemessages -l vi -l en --ignore=.venv --ignore=tests \
	    $(foreach a,$(APPS_WITH_LOCALE),--ignore=$(a)) --no-obsolete
	for app in $(APPS_WITH_LOCALE); do \
	  if [ -d $$app/locale ]; then (cd $$app && DJANGO_DEBUG=true PYTHONPATH=.. DJANGO_SETTINGS_MODULE=config.settings \
	    ../$(BIN)/django-admin makemessages -l vi -l en --no-obsolete); fi; done
	DJANGO_DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv

# Benchmarks on the province database (SQLite file by default; DATABASE_URL=postgres://... for
# PostgreSQL); seeds it first if empty. BENCH_ARGS="--quick" or "--only peak,pages". Never fails.
bench: $(VENV)/.dev-installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache

# Background worker for exports, reminders and snapshots (run beside `make run`, in another
# terminal). TASKS_BACKEND=database (default, no extra server) or rq (Redis at REDIS_URL).
.PHONY: worker
worker: $(VENV)/.installed
	DJANGO_DEBUG=true PYTHON=$(BIN)/python sh deploy/worker.sh
