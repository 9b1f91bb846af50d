# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/edubridge

.PHONY: demo test lint types pytest test-postgres chromium messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The runtime alone for the demo; the test tools on top for the suite.
$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.runtime

demo: $(VENV)/.runtime
	$(BIN)/edubridge demo

test: $(VENV)/.dev chromium lint types pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

types: $(VENV)/.dev
	$(BIN)/mypy

pytest: $(VENV)/.dev
	$(BIN)/pytest

# The same suite against PostgreSQL; the database is created when missing.
test-postgres: $(VENV)/.dev chromium
	$(BIN)/python -m tests.create_database "$(PG_URL)"
	EDUBRIDGE_DATABASE_URL="$(PG_URL)" $(BIN)/pytest

# Browser tests drive Debian's chromium; Playwright never downloads a browser of its own.
chromium:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Compile the translation catalogues after editing src/edubridge/locale/*/LC_MESSAGES/django.po.
messages: $(VENV)/.dev
	cd src/edubridge && ../../$(BIN)/edubridge makemessages -l fr -l zh_Hans -l ar --no-location --no-wrap -i "*/migrations/*"
	$(BIN)/pybabel compile -d src/edubridge/locale -D django

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
