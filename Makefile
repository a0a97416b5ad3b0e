# Two commands from a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_ENV := ANCRAGE_DEMO=1 ANCRAGE_RELAX_2FA=1
HOST ?= 127.0.0.1
PORT ?= 8000
# Two workers fit this size of machine; `make test PYTEST_ARGS=` runs in one process.
PYTEST_ARGS ?= -n auto

.PHONY: demo test install install-test lint format e2e-browser e2e-axe messages clean bench bench-db bench-load bench-sqlite backup restore

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e ".[demo]"
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt -e ".[bench]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make demo: install, migrate SQLite, load the demo data, serve on http://127.0.0.1:8000 with a
## worker for the background jobs (exports) beside the server; Ctrl+C stops both.
demo: install
	$(DEMO_ENV) $(BIN)/ancrage migrate --noinput -v0
	$(DEMO_ENV) $(BIN)/ancrage seed --scale demo --if-empty
	@echo ""
	@echo "Ancrage : http://$(HOST):$(PORT)/  avec un worker des tâches de fond (Ctrl+C arrête les deux)"
	@$(DEMO_ENV) $(BIN)/ancrage worker -v0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(DEMO_ENV) $(BIN)/ancrage runserver $(HOST):$(PORT)

## make test: the whole suite; SQLite by default, PostgreSQL when DATABASE_URL is set
test: install-test e2e-browser e2e-axe
	ANCRAGE_TESTING=1 $(BIN)/pytest $(PYTEST_ARGS)

## make bench: pages and search timed at demo and large scale on PostgreSQL (not part of CI),
## background jobs on RQ (jobs per minute with 1 and 2 workers, enqueue to start; needs Redis),
## the FEC import (lines/s) and a year's allocation on generated books (bench/accounting.py, rolled
## back), a retention dry run and run and a subject-access export at large (bench/privacy.py, rolled
## back), then the load run (make bench-load). DATABASE_URL names the base: <name>_demo and <name>_large
## are created, migrated and seeded once.
BENCH_DATABASE_URL := $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/ancrage_bench)
BENCH_ENV := ANCRAGE_DEMO=1
# The scales seeded by bench-db; with the growth line (three times the data):
# make bench BENCH_SCALES="demo large triple" BENCH_ARGS="--scales demo large triple"
BENCH_SCALES ?= demo large
bench: bench-db
	$(BIN)/python bench/run.py --database-url "$(BENCH_DATABASE_URL)" $(BENCH_ARGS)
	$(BIN)/python bench/jobs.py --database-url "$(BENCH_DATABASE_URL)_demo" $(BENCH_JOBS_ARGS)
	$(BIN)/python bench/accounting.py --database-url "$(BENCH_DATABASE_URL)_demo" $(BENCH_ACCOUNTING_ARGS)
	$(BIN)/python bench/privacy.py --database-url "$(BENCH_DATABASE_URL)_large" $(BENCH_PRIVACY_ARGS)
	BENCH_COMMAND="make bench" $(BIN)/python bench/load.py --database-url "$(BENCH_DATABASE_URL)" $(BENCH_LOAD_ARGS)

bench-db: $(VENV)/.installed-bench
	@case "$(BENCH_DATABASE_URL)" in postgres://*|postgresql://*) ;; \
	  *) echo "make bench demande PostgreSQL : DATABASE_URL=postgres://…/ancrage_bench"; exit 1;; esac
	@for scale in $(BENCH_SCALES); do \
	  url="$(BENCH_DATABASE_URL)_$$scale"; \
	  psql "$$url" -Atqc "select 1" >/dev/null 2>&1 || \
	    createdb --maintenance-db="$(dir $(BENCH_DATABASE_URL))postgres" "$(notdir $(BENCH_DATABASE_URL))_$$scale" || exit 1; \
	  echo "== $$url"; \
	  DATABASE_URL="$$url" $(BENCH_ENV) $(BIN)/ancrage migrate --noinput -v0 || exit 1; \
	  DATABASE_URL="$$url" $(BENCH_ENV) $(BIN)/ancrage seed --scale $$scale --if-empty || exit 1; \
	done

## make bench-sqlite: SQLite beside PostgreSQL at the large scale (issue 19: the four main pages
## and the O2R home within 1.5×; issue 15: the consolidated O2R report's p95), each page timed on
## <name>_large then on a copy of the SQLite file BENCH_SQLITE (seeded once when missing; the file
## itself is only read). With BENCH_SQLITE_O2R3 (a SQLite copy with three times the O2R rows,
## bench/o2r_triple.py) and <name>_o2r3, the report at both, same run. Prints only.
BENCH_SQLITE ?= sqlite:///$(CURDIR)/var/bench/large.sqlite3
BENCH_SQLITE_PAGES ?= search person home board o2r_home o2r_build
bench-sqlite: bench-db
	@test -f "$(patsubst sqlite:///%,%,$(BENCH_SQLITE))" || { \
	  mkdir -p "$(dir $(patsubst sqlite:///%,%,$(BENCH_SQLITE)))" && \
	  DATABASE_URL="$(BENCH_SQLITE)" $(BENCH_ENV) $(BIN)/ancrage migrate --noinput -v0 && \
	  DATABASE_URL="$(BENCH_SQLITE)" $(BENCH_ENV) $(BIN)/ancrage seed --scale large --if-empty; }
	$(BIN)/python bench/run.py --database-url "$(BENCH_DATABASE_URL)" --scales large \
	  --sqlite large="$(BENCH_SQLITE)" --pages $(BENCH_SQLITE_PAGES) --naive-runs 0 --no-write $(BENCH_ARGS)
	$(BIN)/python bench/o2r_report.py --database-url "$(BENCH_DATABASE_URL)" --sqlite large="$(BENCH_SQLITE)" \
	  $(if $(BENCH_SQLITE_O2R3),--scales large o2r3 --sqlite o2r3="$(BENCH_SQLITE_O2R3)") $(BENCH_O2R_ARGS)

## make bench-load: gunicorn + 20 locust clients for 60 s on <name>_large (BENCH_LOAD_ARGS:
## "--scales demo large", "--clients", "--duration", "--workers"; see bench/load.py --help).
bench-load: bench-db
	$(BIN)/python bench/load.py --database-url "$(BENCH_DATABASE_URL)" $(BENCH_LOAD_ARGS)

## make backup BACKUP=folder: the PostgreSQL database of DATABASE_URL (pg_dump, custom format) and
## MEDIA_ROOT into the folder (default backups/<date-time>); make restore BACKUP=folder puts one back
## into the database of DATABASE_URL (an empty one, or one to replace) and MEDIA_ROOT.
BACKUP ?= backups/$(shell date +%Y%m%d-%H%M%S)
backup: install
	$(BIN)/ancrage backup "$(BACKUP)"

restore: install
	@test -n "$(BACKUP)" && test -d "$(BACKUP)" || { echo "make restore BACKUP=<dossier de sauvegarde>"; exit 1; }
	$(BIN)/ancrage restore "$(BACKUP)"

# The accessibility checks of the end-to-end tests inject axe-core, from npm (package-lock.json).
e2e-axe: node_modules/axe-core/axe.min.js

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# End-to-end tests drive Debian's Chromium; install it when missing and we may.
e2e-browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null; \
	  else echo "Les tests de bout en bout demandent Chromium : sudo apt-get install chromium"; exit 1; fi; }

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	ANCRAGE_TESTING=1 $(BIN)/ancrage makemigrations --check --dry-run

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	cd ancrage && ../$(BIN)/ancrage makemessages -l fr --ignore=static

clean:
	rm -rf $(VENV) ancrage.sqlite3* staticfiles .pytest_cache
