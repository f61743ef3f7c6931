"""Prometheus metrics behind a token, with per-view counts and the queue, reminders and audit figures, and never a
client's words or a person's name; JSON log lines with the request id and the numeric user id."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
from django.urls import reverse

from carryover.audit.services import audit_seal
from carryover.homework.tests.test_attachments import journal
from carryover.lib.jsonlog import JsonFormatter, UserIdLogFilter
from carryover.lib.middleware import RequestIdLogFilter
from carryover.lib.tests.test_serve import ROOT

TOKEN = "metrics-token-for-tests-0123456789"
CANARY = "CANARY-7f3a marmalade lighthouse"


@pytest.fixture
def scrape(client, settings):
    settings.METRICS_TOKEN = TOKEN

    def get() -> str:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", HTTP_HOST="10.0.0.9")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/plain; version=0.0.4")
        return response.content.decode()

    return get


def test_metrics_need_the_token_and_are_off_without_one(client, db, settings):
    assert client.get("/metrics").status_code == 404
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


def test_metrics_count_views_and_state_and_carry_no_client_data(client, personas, monday, scrape):
    personas.bob.name = f"Bob {CANARY}"
    personas.bob.save()
    _, url = journal(personas, formats=("write",))
    client.force_login(personas.bob)
    assert client.post(f"{url}?step=0", {"f-entry": CANARY, "go": "next"}).status_code == 302
    client.force_login(personas.alice)
    assert client.get(reverse("caseload")).status_code == 200
    text = scrape()
    assert 'carryover_http_requests_total{method="GET",status="2xx",view="caseload"}' in text
    assert 'carryover_http_request_duration_seconds_count{view="occurrence_do"}' in text
    assert "carryover_task_queue_depth " in text and "carryover_task_queue_lag_seconds " in text
    assert "carryover_alert_emails_pending 0.0" in text
    assert "carryover_audit_unsealed_events " in text and "carryover_audit_sealing_lag_seconds " in text
    audit_seal()
    assert "carryover_audit_unsealed_events 0.0" in scrape()
    for secret in (CANARY, "CANARY", personas.bob.email, personas.alice.email, "Alice", url):
        assert secret not in text


def test_json_log_lines_carry_the_request_id_and_the_numeric_user_id(client, personas):
    formatter = JsonFormatter()
    lines: list[dict] = []

    class Capture(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(formatter.format(record)))

    handler = Capture()
    handler.addFilter(RequestIdLogFilter())
    handler.addFilter(UserIdLogFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.force_login(personas.bob)
        client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-abc-12345")
    finally:
        logger.removeHandler(handler)
    line = next(line for line in lines if line["request_id"] == "req-abc-12345")
    assert line["user_id"] == personas.bob.pk and line["level"] == "WARNING"
    assert set(line) == {"time", "level", "logger", "request_id", "user_id", "message"}
    assert personas.bob.email not in json.dumps(lines)


@pytest.mark.slow  # a Python process
def test_log_format_json_makes_every_line_one_json_object(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(LOG_FORMAT="json", CARRYOVER_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="carryover.settings")
    code = "import django, logging; django.setup(); logging.getLogger('carryover.x').warning('hello %s', 'there')"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello there" and line["logger"] == "carryover.x" and line["user_id"] is None
