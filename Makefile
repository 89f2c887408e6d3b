# Two commands for a newcomer: `make run` (set up, bootstrap the demo, serve) and `make test`.
# Both are safe to run again: each step only does work when its inputs changed.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000

# Interface translations: the .po files are committed, their compiled .mo files are built here.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
EXTRACT_KEYWORDS := -k lazy_gettext -k lazy_ngettext:1,2

.PHONY: setup run test lint bench clean messages

setup: $(STAMP) static/vendor/htmx.min.js static/vendor/redoc.standalone.js $(CATALOGS)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Qwir needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# htmx comes from npm (pinned in package-lock.json) and is copied, never committed.
static/vendor/htmx.min.js: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

# The API's readable page (/api/v1/docs): Redoc's standalone bundle, from npm like htmx.
static/vendor/redoc.standalone.js: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/redoc/bundles/redoc.standalone.js static/vendor/redoc.standalone.js
translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

# After changing interface text: extract every string, merge it into each catalog, then translate.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg $(EXTRACT_KEYWORDS) --no-location --sort-output -o messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i messages.pot -d translations

run: setup
	$(BIN)/flask --app wsgi qwir bootstrap
	$(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT) $$($(BIN)/python -m qwir.serving)

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: setup
	for script in bench/[!_]*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules static/vendor instance .pytest_cache
