"""Secret links never reach a log line: every URL parameter is either a plain id or redacted, and a real
request for a reset or an invitation link leaves only "[redacted]" in Django's log (the served process, gunicorn's
access log included, is read in test_serve.py)."""

from __future__ import annotations

import io
import logging
import re
from contextlib import contextmanager

import pytest
from django.core import mail
from django.urls import get_resolver, reverse

from carryover.accounts.tests.test_invitations import accept, invite, run_worker
from carryover.lib.redact import REDACTED, RedactSecretsFilter, redact

# URL parameters that name a row (checked by access helpers) rather than grant anything by being known.
PLAIN_IDS = {"pk", "client_id", "template_id", "measure"}
# The unknown path after /api/ that gets a problem+json 404 (api/urls.py): what the caller typed, granting nothing.
PLAIN_IDS |= {"rest"}
# A chart's key is a keyed hash of what it draws (review/charts.py): it names a picture that the access check on
# client_id guards, and says nothing about the numbers.
PLAIN_IDS |= {"chart_key"}
SAMPLE = "S3cr3tS3cr3tS3cr3t"


def test_every_url_parameter_is_a_plain_id_or_redacted():
    checked = []
    for name, possibilities in get_resolver().reverse_dict.lists():
        if not isinstance(name, str):
            continue
        for (_, params), *_ in (p[0] for p in possibilities):
            secret = [param for param in params if param not in PLAIN_IDS]
            if not secret:
                continue
            kwargs = {param: "2" if param in ("uidb36", "pk") else SAMPLE for param in params}
            path = reverse(name, kwargs=kwargs)
            line = f'127.0.0.1 "GET {path}" 200 4ms referer=https://carryover.example{path}'
            assert SAMPLE not in redact(line), (name, path)
            checked.append(name)
    assert {"invitation_accept", "account_reset_password_from_key", "account_confirm_email", "export_download"} <= set(
        checked
    )


@pytest.mark.parametrize(
    "path",
    ["/invite/new-link/", "/clients/invite/", "/practice/invite/", "/accounts/password/reset/", "/today/"],
)
def test_ordinary_paths_are_left_alone(path):
    assert redact(f"GET {path} 200") == f"GET {path} 200"


def test_the_feed_key_is_redacted_where_a_query_string_is_logged():
    line = "GET /reminders/calendar.ics?key=abc_DEF-123&x=1"
    assert redact(line) == f"GET /reminders/calendar.ics?key={REDACTED}&x=1"


@contextmanager
def console_log():
    """What Django's configured console handler (settings.LOGGING) writes, while the block runs."""
    [handler] = [h for h in logging.getLogger().handlers if h.name == "console"]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


@pytest.mark.django_db(transaction=True)
def test_django_request_warnings_for_used_links_carry_no_token(client, personas):
    token = invite(client, personas.alice)
    assert accept(client, token).status_code == 302
    client.logout()
    client.post(reverse("account_reset_password"), {"email": personas.bob.email})
    run_worker()
    reset = re.search(r"/accounts/password/reset/key/[^/\s]+/", mail.outbox[-1].body).group(0)
    key = reset.split("/key/")[1].rstrip("/")
    with console_log() as log:
        assert client.get(reverse("invitation_accept", args=[token])).status_code == 410  # used: "Gone" warning
        client.get(reset)  # the key is kept in the session and the browser sent on
        assert client.get(reset).status_code in (200, 302)
        logging.getLogger("django.request").warning("Not Found: %s", reset)  # as a 404 for it would log
        try:
            raise ValueError(f"could not handle /invite/{token}/")
        except ValueError:
            logging.getLogger("carryover").exception("failed")
    text = log.getvalue()
    assert "Gone: /invite/[redacted]/" in text and f"Not Found: /accounts/password/reset/key/{REDACTED}/" in text
    assert token not in text and key not in text and key.split("-", 1)[1] not in text
    assert "ValueError: could not handle /invite/[redacted]/" in text  # tracebacks too


def test_a_malformed_log_call_is_left_to_the_handler_to_report():
    record = logging.LogRecord("carryover", logging.INFO, __file__, 1, "%s and %s", ("one",), None)
    assert RedactSecretsFilter().filter(record) is True  # logging's own handleError reports it; nothing raises here
