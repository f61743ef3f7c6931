# Carryover in a container (docs/deploy.md, "Containers"). One image for web, worker and clocks: compose.yaml
# chooses the command. These development machines have no container daemon: a test keeps the commands below
# pointing at things that exist (carryover/ops/tests/test_deploy_files.py); build and run it where Docker is.
FROM python:3.11-slim-bookworm

# pango for the summary PDF (WeasyPrint), DejaVu its font, PostgreSQL's client tools for manage.py backup/restore.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-dejavu-core postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --home-dir /opt/carryover carryover
WORKDIR /opt/carryover
COPY pyproject.toml README.md LICENSE manage.py ./
COPY bin ./bin
COPY carryover ./carryover
RUN python -m venv .venv && .venv/bin/pip install --no-cache-dir . \
    && CARRYOVER_VAR_DIR=/tmp/build .venv/bin/python manage.py collectstatic --noinput -v 0

ENV CARRYOVER_ENV=production CARRYOVER_VAR_DIR=/var/lib/carryover PYTHONUNBUFFERED=1 LOG_FORMAT=json
RUN mkdir -p /var/lib/carryover && chown carryover /var/lib/carryover
USER carryover
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"
CMD [".venv/bin/gunicorn", "carryover.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4", "--keep-alive", "75", "--logger-class", "carryover.lib.redact.GunicornLogger"]
