# Everyday targets. `make run` and `make test` are the README's two commands.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
export FLASK_APP := portal

.PHONY: run test install install-test translations lint extract clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found); set PYTHON=..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@test -x /usr/bin/chromium || { echo "Installing Debian's Chromium for the browser tests"; \
	  (apt-get update -qq && apt-get install -y -qq chromium) || \
	  (sudo apt-get update -qq && sudo apt-get install -y -qq chromium); }

translations: $(BIN)/python
	$(BIN)/pybabel -q compile -d portal/translations

# Runs the portal on SQLite with demo data at http://127.0.0.1:5000
run: install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask portal demo-data
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# The whole suite (SQLite; set TEST_DATABASE_URL for PostgreSQL), browser included.
# The suite runs in one process per core (pytest-xdist), a test file at a time each;
# every process has its own database, mail server, live server and browser.
# `make test PYTEST_ARGS=tests/reports` runs a part in one process.
PYTEST_ARGS ?= -n auto --dist loadfile

test: install-test translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r portal

extract:
	$(BIN)/pybabel -q extract --no-location -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 -o portal/translations/messages.pot .
	$(BIN)/pybabel -q update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
