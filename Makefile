# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_SETTINGS_MODULE := carryover.settings

.PHONY: run test test-postgres test-browser lint typecheck bench totp clean

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

test: $(VENV)/.installed
	$(PY) -m pytest -m "not browser" -q

test-postgres: $(VENV)/.installed
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/carryover} $(PY) -m pytest -m "not browser" -q

test-browser: $(VENV)/.installed
	$(PY) -m pytest -m browser -q

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy carryover

# Benchmarks print figures; they are not tests. Each app adds its own command here.
bench: $(VENV)/.installed
	true
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/carryover_bench_reminders} $(PY) manage.py bench_reminders

totp: $(VENV)/.installed
	@$(PY) manage.py demo_totp

clean:
	rm -rf $(VENV) var
