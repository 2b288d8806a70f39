# The two commands: `make run` serves the demo network, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app pantry
# Labels, calendar links and posters hold absolute URLs: unless PANTRY_BASE_URL says otherwise,
# they point at the port `make run` serves on.
SERVED_AT := PANTRY_BASE_URL=$${PANTRY_BASE_URL:-http://127.0.0.1:$(PORT)}

.PHONY: run lint test test-clock bench bench-scale soak migrate demo clean translations language

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
	$(SERVED_AT) $(FLASK) pantry demo --if-empty

# The web server and the worker (the outbox's deliveries and the periodic jobs); Ctrl-C stops both.
run: demo
	@$(SERVED_AT) $(FLASK) pantry worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(SERVED_AT) $(FLASK) run --host 127.0.0.1 --port $(PORT)

# The floors of ARCHITECTURE.md as import contracts (import-linter, [tool.importlinter] in
# pyproject.toml), then ruff's rules ([tool.ruff]). `make test` runs this first: a broken contract
# or a ruff finding fails it before any test runs. `$(BIN)/ruff check --fix .` mends what ruff can.
lint: $(VENV)/.test-installed
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check --no-cache .

# The suite on a SQLite file; and when PANTRY_TEST_DATABASE_URL names a PostgreSQL database, the
# suite again on it, at the same time (much of a leg's time is spent waiting on servers, fsync and
# the browser, so the two legs together take little more than the longer one). The PostgreSQL
# leg's output is printed when both are done; it leaves tests marked `once` to the SQLite leg
# (but for those marked once(leg="postgresql"), which the SQLite leg leaves to it).
POSTGRES_LOG := .test-postgresql.log
SLOWEST := --durations=15  # each leg ends with its 15 slowest steps: where the time goes
test: lint node_modules/.installed
	@started=$$(date +%s); \
	if [ -n "$$PANTRY_TEST_DATABASE_URL" ]; then \
		echo "The PostgreSQL leg runs alongside, into $(POSTGRES_LOG)"; \
		{ $(BIN)/pytest -p no:cacheprovider $(SLOWEST) > $(POSTGRES_LOG) 2>&1; echo $$? > $(POSTGRES_LOG).exit; \
		  echo $$(( $$(date +%s) - started )) > $(POSTGRES_LOG).seconds; } & postgres_leg=$$!; \
	fi; \
	env -u PANTRY_TEST_DATABASE_URL PANTRY_TEST_ALONGSIDE=$${postgres_leg:+postgresql} $(BIN)/pytest $(SLOWEST); sqlite=$$?; \
	sqlite_seconds=$$(( $$(date +%s) - started )); \
	postgres=0; postgres_seconds=-; \
	if [ -n "$$postgres_leg" ]; then \
		wait $$postgres_leg; postgres=$$(cat $(POSTGRES_LOG).exit); postgres_seconds=$$(cat $(POSTGRES_LOG).seconds); \
		echo; echo "== The same suite on PostgreSQL ($$PANTRY_TEST_DATABASE_URL):"; cat $(POSTGRES_LOG); \
	fi; \
	echo "SQLite leg: exit $$sqlite in $${sqlite_seconds} s; PostgreSQL leg: exit $$postgres in $${postgres_seconds} s;" \
		"both: $$(( $$(date +%s) - started )) s of wall time"; \
	[ $$sqlite -eq 0 ] && [ $$postgres -eq 0 ]

# Any day, any hour: the tests marked `clock` at each moment of tests/moments.py (both sides of the
# spring change, the autumn hour that happens twice, New Year's Eve, 29 February, midnight), in the
# network's zone and in one east of UTC, the two zones side by side. SQLite only: the moments are
# about the calendar, not the database. The Madrid run's output is printed when both are done.
CLOCK_LOG := .test-clock.log
CLOCK_PYTEST = env -u PANTRY_TEST_DATABASE_URL $(BIN)/pytest -p no:cacheprovider -q --moment all
test-clock: $(VENV)/.test-installed
	@start=$$(date +%s); \
	$(CLOCK_PYTEST) --zone Europe/Madrid > $(CLOCK_LOG) 2>&1 & madrid_run=$$!; \
	echo "== Every moment in America/New_York (Europe/Madrid alongside, into $(CLOCK_LOG))"; \
	$(CLOCK_PYTEST) --zone America/New_York; new_york=$$?; \
	wait $$madrid_run; madrid=$$?; \
	echo; echo "== Every moment in Europe/Madrid:"; cat $(CLOCK_LOG); \
	echo "America/New_York: exit $$new_york; Europe/Madrid: exit $$madrid; test-clock took $$(( $$(date +%s) - start )) s of wall time"; \
	[ $$new_york -eq 0 ] && [ $$madrid -eq 0 ]

# Languages. The catalogues live in pantry/translations, the compiled .mo files are committed.
# `make translations` after changing strings: extract them from the code and templates, merge
# them into every catalogue, compile. `make language LOCALE=fr` starts a new catalogue.
TRANSLATIONS := pantry/translations
POT := $(TRANSLATIONS)/messages.pot
# `_l` is flask_babel's lazy_gettext under its short name; tests/test_translations.py uses the same.
BABEL_KEYWORDS := -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2

EXTRACT = $(BIN)/pybabel --quiet extract -F babel.cfg $(BABEL_KEYWORDS) --add-comments=Translators: \
	--project=Pantry --copyright-holder="Pantry contributors" --msgid-bugs-address="" -o $(POT) pantry

translations: $(VENV)/.installed
	$(EXTRACT)
	$(BIN)/pybabel --quiet update --ignore-obsolete -i $(POT) -d $(TRANSLATIONS)
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS)

language: $(VENV)/.installed
	@echo "$(LOCALE)" | grep -Eq '^[a-z]{2,3}(_[A-Za-z0-9]+)?$$' || \
		{ echo "Say which language, for example: make language LOCALE=fr (or LOCALE=pt_BR)"; exit 2; }
	@test ! -e $(TRANSLATIONS)/$(LOCALE)/LC_MESSAGES/messages.po || \
		{ echo "$(TRANSLATIONS)/$(LOCALE) exists already: translate its messages.po, then make translations"; exit 2; }
	$(EXTRACT)
	$(BIN)/pybabel init -i $(POT) -d $(TRANSLATIONS) -l $(LOCALE)
	@echo "Now translate $(TRANSLATIONS)/$(LOCALE)/LC_MESSAGES/messages.po, then run: make translations"

# The figures against their baselines (bench/run.py), then a ten-minute soak (bench/soak.py).
# `make soak` runs the soak alone; SOAK_SECONDS=60 make soak for a short one.
bench: $(VENV)/.test-installed node_modules/.installed
	$(BIN)/python bench/run.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/soak.py

# A network of a thousand fridges against the same network at ten sites (bench/scale.py), every
# figure a ratio within one run. The seed is kept in bench/cache/, or, when
# PANTRY_BENCH_DATABASE_URL names a PostgreSQL database, in that database; PANTRY_BENCH_MOVEMENTS
# sets the ledger's length, PANTRY_BENCH_RESEED=1 seeds again.
bench-scale: $(VENV)/.test-installed
	$(BIN)/python bench/scale.py

soak: $(VENV)/.installed
	$(BIN)/python bench/soak.py

clean:
	rm -rf $(VENV) instance/pantry.db*
