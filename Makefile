# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_SETTINGS_MODULE := carryover.settings

.PHONY: messages compilemessages run test test-slow test-all test-postgres test-browser screenshots lint typecheck bench totp clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py load_demo
	$(PY) bin/serve.py

# Python keeps compiled modules (and pytest its assertion-rewritten tests) in __pycache__ even where the environment
# says not to (PYTHONDONTWRITEBYTECODE): compiling the apps and tests again costs each test process seconds.
export PYTHONDONTWRITEBYTECODE :=

# Two worker processes (pytest-xdist), each with its own test database (pytest-django adds _gw0, _gw1 to its
# name); a test file stays on one worker (loadfile), so a module's shared fixtures are built once.
XDIST := -n 2 --dist loadfile

# Everything but the browser tests and the `slow` end-to-end group (servers, subprocesses, PDFs, schemathesis,
# backups, two nodes, the bad-input sweep). CI runs the slow group too (test-slow, and test-postgres).
test: $(VENV)/.installed
	$(PY) -m pytest -m "not browser and not slow" -q $(XDIST)

# The slow end-to-end group alone (CI runs it after `make test`).
test-slow: $(VENV)/.installed
	$(PY) -m pytest -m "slow and not browser" -q $(XDIST)

# Everything but the browser tests: make test and make test-slow in one run.
test-all: $(VENV)/.installed
	$(PY) -m pytest -m "not browser" -q $(XDIST)

# The whole suite but the browser tests, slow group included, on PostgreSQL (CI adds HYPOTHESIS_PROFILE=thorough).
test-postgres: $(VENV)/.installed
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/carryover} $(PY) -m pytest -m "not browser" -q $(XDIST)

test-browser: $(VENV)/.installed
	$(PY) -m pytest -m browser -q

# The README's pictures, taken again by the browser tests that show those pages (from the demo practice).
screenshots: $(VENV)/.installed
	DOCS_SCREENSHOTS=1 $(PY) -m pytest -m browser -q -k "demo"

# Six or more lines repeated anywhere in carryover/ (tests included; migrations and urls aside) fail the build.
DUPLICATES := $(VENV)/bin/pylint --disable=all --enable=duplicate-code --min-similarity-lines=6 \
	--ignore=migrations --ignore-patterns=urls.py --score=n carryover

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports  # the import direction of docs/ARCHITECTURE.md
	$(DUPLICATES)

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy carryover

# Benchmarks print figures; they are not tests. PostgreSQL is the reference; each benchmark has a database of its
# own (created when missing) and the review benchmark's generated practice is kept for the next run.
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
bench: $(VENV)/.installed
	@for db in carryover_bench_review carryover_bench_growth carryover_bench_reminders carryover_bench_audit carryover_bench_export; do \
		psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$$db'" | grep -q 1 \
			|| createdb -h 127.0.0.1 -U postgres $$db; done
	# Review: caseload, timeline, summary and PDF on a generated practice (BENCH_REVIEW="--scale 0.05" for a quick run).
	DATABASE_URL=$(BENCH_PG)/carryover_bench_review $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=$(BENCH_PG)/carryover_bench_review $(PY) manage.py bench_review $(BENCH_REVIEW)
	SQLITE_PATH=var/bench-review.sqlite3 $(PY) manage.py migrate --noinput -v 0
	SQLITE_PATH=var/bench-review.sqlite3 $(PY) manage.py bench_review $(BENCH_REVIEW)
	# Charts and PDF: the summary's size and time, its chart images (fresh and 304), the PDF first and kept.
	DATABASE_URL=$(BENCH_PG)/carryover_bench_review $(PY) manage.py bench_charts $(BENCH_REVIEW)
	SQLITE_PATH=var/bench-review.sqlite3 $(PY) manage.py bench_charts $(BENCH_REVIEW)
	# Pages against the floor view; growth with 10 / 60 / 200 clients and 30 days / a year; writes per GET.
	DATABASE_URL=$(BENCH_PG)/carryover_bench_growth $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=$(BENCH_PG)/carryover_bench_growth $(PY) manage.py bench_growth $(BENCH_GROWTH)
	SQLITE_PATH=var/bench-growth.sqlite3 $(PY) manage.py migrate --noinput -v 0
	SQLITE_PATH=var/bench-growth.sqlite3 $(PY) manage.py bench_growth $(BENCH_GROWTH)
	# Reminders: planning a week for 10,000 clients; 2 workers delivering 10,000 reminders to a local SMTP sink.
	DATABASE_URL=$(BENCH_PG)/carryover_bench_reminders $(PY) manage.py bench_reminders
	# The idle tick at 100,000 clients (marked planned as planning leaves them: planning them would take hours).
	DATABASE_URL=$(BENCH_PG)/carryover_bench_reminders $(PY) manage.py bench_reminders --clients 100000 --idle-tick
	# Exports: a client's JSON, FHIR and zip; a practice's FHIR Bulk Data export, its time and peak memory.
	DATABASE_URL=$(BENCH_PG)/carryover_bench_export $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=$(BENCH_PG)/carryover_bench_export $(PY) manage.py bench_export
	# Audit: audited requests per second with 8 clients on loopback, then the audit write path alone.
	DATABASE_URL=$(BENCH_PG)/carryover_bench_audit $(PY) manage.py bench_audit

totp: $(VENV)/.installed
	@$(PY) manage.py demo_totp

clean:
	rm -rf $(VENV) var

# The Spanish catalogue (carryover/locale/es): `messages` gathers the marked strings (needs GNU gettext), then
# translate the new entries in django.po; `compilemessages` builds the .mo, which is committed so that a fresh
# clone runs (`make run`, `make test`) without gettext. carryover/lib/tests/test_translations.py fails on a
# missing or fuzzy translation, or a .mo older than its .po.
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --locale es --no-obsolete --ignore '.venv/*' --ignore 'carryover/devtools/*' --add-location file

compilemessages: $(VENV)/.installed
	$(PY) manage.py compilemessages --locale es --ignore '.venv/*'
