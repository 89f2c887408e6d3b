# Two commands for a newcomer: `make run` (set up, bootstrap the demo, serve) and `make test`.
# Both are safe to run again: each step only does work when its inputs changed (stamp files).
# `make run` installs what the app needs to run; `make test` adds the test tools (the [dev] extra).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP     := $(VENV)/.installed-dev
HOST   ?= 127.0.0.1
PORT   ?= 5000
# pytest-xdist test processes. Four even on two cores: much of the suite waits on gunicorn, Celery,
# Chromium and sockets rather than computing. TEST_WORKERS=0 runs it all in this one process.
TEST_WORKERS ?= 4
# pip's progress: one line per package it collects or installs, never a silent minute. Python
# compiles what it imports on first use, so pip need not byte-compile every installed module.
PIP_INSTALL := $(BIN)/python -m pip install --disable-pip-version-check --progress-bar off --no-compile
# Every server, worker and CLI process imports the same modules: Python must be free to cache
# their bytecode in the venv, or each start compiles them all again (about 4 s instead of 1.5 s).
# A shell that sets PYTHONDONTWRITEBYTECODE (some containers do) would otherwise forbid it.
unexport PYTHONDONTWRITEBYTECODE
# The Python and npm installs are independent: run them side by side (their lines interleave;
# output sync is left off, since it would hold pip's lines back until pip is done).
MAKEFLAGS += --jobs=2

# Interface translations: the .po files are committed, their compiled .mo files are built here.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
EXTRACT_KEYWORDS := -k lazy_gettext -k lazy_ngettext:1,2

.PHONY: setup setup-dev run test lint bench clean messages

setup: $(RUNTIME_STAMP) static/vendor/htmx.min.js static/vendor/redoc.standalone.js $(CATALOGS)

setup-dev: setup $(DEV_STAMP)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Qwir needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	@echo "==> creating the virtual environment in $(VENV)"
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	@echo "==> installing Qwir and its runtime dependencies (about a minute the first time)"
	$(PIP_INSTALL) -e .
	touch $@

$(DEV_STAMP): pyproject.toml $(RUNTIME_STAMP)
	@echo "==> installing the test tools (pytest, pytest-xdist, respx, Playwright, ruff, schemathesis)"
	$(PIP_INSTALL) -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	@echo "==> installing the npm packages (htmx)"
	npm ci --no-audit --no-fund

# htmx comes from npm (pinned in package-lock.json) and is copied, never committed.
static/vendor/htmx.min.js: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

# The API's readable page (/api/v1/docs): Redoc's standalone bundle, from npm like htmx.
static/vendor/redoc.standalone.js: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/redoc/bundles/redoc.standalone.js static/vendor/redoc.standalone.js
translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(RUNTIME_STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

# After changing interface text: extract every string, merge it into each catalog, then translate.
messages: $(RUNTIME_STAMP)
	$(BIN)/pybabel extract -F babel.cfg $(EXTRACT_KEYWORDS) --no-location --sort-output -o messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i messages.pot -d translations

run: setup
	@echo "==> migrating, seeding and generating the demo spotlights"
	$(BIN)/flask --app wsgi qwir bootstrap
	@echo "==> serving Qwir at http://$(HOST):$(PORT)"
	$(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT) $$($(BIN)/python -m qwir.serving)

test: setup-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

lint: setup-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: setup-dev
	for script in bench/[!_]*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules static/vendor instance .pytest_cache
