# The two commands: `make run` serves the demo network, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app pantry

.PHONY: run test bench migrate demo clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# axe-core for the accessibility checks (and, for make bench, Lighthouse): pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

migrate: $(VENV)/.installed
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) pantry demo --if-empty

run: demo
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# SQLite first; then PostgreSQL too when PANTRY_TEST_DATABASE_URL names one.
test: $(VENV)/.test-installed node_modules/.installed
	env -u PANTRY_TEST_DATABASE_URL $(BIN)/pytest
	if [ -n "$$PANTRY_TEST_DATABASE_URL" ]; then $(BIN)/pytest; fi

bench: $(VENV)/.test-installed
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) instance/pantry.db*
