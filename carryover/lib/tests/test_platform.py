import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import path, reverse

ROOT = Path(__file__).resolve().parents[3]


def boom(request):
    raise RuntimeError("secret detail: client Bob's diary")


urlpatterns = [path("boom/", boom)]
handler500 = "carryover.lib.errors.server_error"


def test_healthz_answers_ok_when_the_database_is_up(client, db):
    response = client.get("/healthz", HTTP_HOST="10.1.2.3")  # balancers probe by IP: no host check
    assert response.status_code == 200 and response.content == b"ok\n"


def test_healthz_answers_503_when_the_database_is_down(client, db):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused to db-host")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable\n"  # nothing else revealed


def test_security_headers_on_pages(client, personas):
    for user in (None, personas.bob, personas.alice, personas.admin):
        if user:
            client.force_login(user)
        for url in ("/accounts/login/", "/help/", reverse("home")):
            response = client.get(url)
            csp = response["Content-Security-Policy"]
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp
            assert "frame-ancestors 'none'" in csp
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Referrer-Policy"] == "same-origin"
            assert response["X-Frame-Options"] == "DENY"
            assert response["X-Request-ID"]


class InlineCode(HTMLParser):
    """Everything the CSP (script-src 'self', no 'unsafe-inline') would block: script elements without a src
    (whatever their attributes), event-handler attributes of any name, style elements and style attributes,
    and javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if (tag == "script" and "src" not in names) or tag == "style":
            self.found.append(f"<{tag}> element")
        self.found += [f"{name}= on <{tag}>" for name in names if name.startswith("on") or name == "style"]
        self.found += [
            f"javascript: link on <{tag}>" for _, v in attrs if (v or "").strip().lower().startswith("javascript:")
        ]


def test_the_inline_code_finder_catches_each_form():
    inline = ['<script type="module">go()</script>', "<SCRIPT>go()</SCRIPT>", "<style>p{}</style>"]
    inline += ['<p onmouseover="go()">', "<p style='color:red'>", '<a href=" javascript:go()">']
    for html in inline:
        finder = InlineCode()
        finder.feed(html)
        assert finder.found, html


def test_pages_have_no_inline_scripts_or_styles(client, personas):
    client.force_login(personas.alice)
    for url in (reverse("caseload"), reverse("client_detail", args=[personas.bob.pk]), "/help/", "/profile/"):
        finder = InlineCode()
        finder.feed(client.get(url).content.decode())
        assert finder.found == [], url


def test_need_help_link_on_every_page_and_crisis_lines_listed(client, personas):
    for user in (None, personas.bob):
        if user:
            client.force_login(user)
        assert b'href="/help/">Need help now?' in client.get("/accounts/login/" if not user else "/today/").content
    page = client.get("/help/").content.decode()
    assert "Samaritans" in page and "116123" in page and "not a crisis service" in page
    assert "Last checked" in page
    client.logout()
    anonymous = client.get("/help/").content.decode()  # no practice, no hint: the United States, and the others
    assert "988" in anonymous and "Samaritans" not in anonymous and 'href="?country=GB"' in anonymous
    assert "Samaritans" in client.get("/help/?country=GB").content.decode()


def test_server_error_page_is_generic(settings, db):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert b"Sorry, something went wrong" in response.content
    assert b"Bob" not in response.content and b"Traceback" not in response.content


def test_csrf_failure_explains_and_does_not_500(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.alice)
    response = client.post(reverse("invite_client"))
    assert response.status_code == 403
    assert b"This form has expired" in response.content
    typed = {"email": "x@example.test"}
    response = client.post(reverse("invite_client"), typed, headers={"Referer": "http://testserver/clients/invite/"})
    assert response.status_code == 302 and response.url == reverse("invite_client")
    assert b'value="x@example.test"' in client.get(response.url).content  # typed input is kept


def test_unknown_url_is_a_friendly_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404 and b"Page not found" in response.content


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    unset = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS", "AUDIT_HMAC_KEY", "AUDIT_CHECKPOINT_PATH")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env, DJANGO_SETTINGS_MODULE="carryover.settings")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


GOOD_SECRET = "k" * 20 + "-production-secret-0123456789-abcdefghijklmnop"
FERNET_KEY = "x3Jc9m0G8Zc8xWQ2oY0b6r3lU2kq2yT4c8m1b5n7v9w="
AUDIT_KEY = "audit-Zq81-production-key-0123456789-abcdef"
# Everything production needs, each one sound: the cases below spoil one value at a time.
SOUND = {
    "SECRET_KEY": GOOD_SECRET,
    "ALLOWED_HOSTS": "carryover.example.org",
    "FIELD_ENCRYPTION_KEYS": FERNET_KEY,
    "AUDIT_HMAC_KEY": AUDIT_KEY,
    "AUDIT_CHECKPOINT_PATH": "/var/lib/carryover-audit/checkpoints.jsonl",
}


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DEBUG": "1", "SECRET_KEY": GOOD_SECRET, "ALLOWED_HOSTS": "x.org"}, "DEBUG must be off"),
        ({"ALLOWED_HOSTS": "x.org"}, "Set SECRET_KEY"),
        ({"SECRET_KEY": "carryover-development-only-secret-key-never-use-in-production"}, "Set SECRET_KEY"),
        ({"SECRET_KEY": GOOD_SECRET}, "Set ALLOWED_HOSTS"),
        ({"SECRET_KEY": GOOD_SECRET, "ALLOWED_HOSTS": "x.org"}, "Set FIELD_ENCRYPTION_KEYS"),
    ],
)
@pytest.mark.slow  # a Python process per case
def test_production_refuses_unsafe_settings(env, message):
    result = run_python("import django; django.setup()", CARRYOVER_ENV="production", **env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    "change, message",
    [
        ({"ALLOWED_HOSTS": "*"}, "not a wildcard '*'"),
        ({"ALLOWED_HOSTS": "carryover.example.org,*"}, "not a wildcard '*'"),
        ({"SECRET_KEY": "x" * 64}, "SECRET_KEY is weak"),
        ({"FIELD_ENCRYPTION_KEYS": "notakey"}, "key 1 is not a Fernet key"),
        ({"FIELD_ENCRYPTION_KEYS": f"{FERNET_KEY},notakey"}, "key 2 is not a Fernet key"),
        ({"AUDIT_HMAC_KEY": ""}, "Set AUDIT_HMAC_KEY"),
        ({"AUDIT_HMAC_KEY": GOOD_SECRET}, "AUDIT_HMAC_KEY must differ from SECRET_KEY"),
        ({"AUDIT_HMAC_KEY": "a" * 40}, "AUDIT_HMAC_KEY is weak"),
        ({"AUDIT_HMAC_KEY": "short-key-1234"}, "AUDIT_HMAC_KEY is weak"),
        ({"AUDIT_CHECKPOINT_PATH": ""}, "Set AUDIT_CHECKPOINT_PATH"),
        ({"AUDIT_CHECKPOINT_PATH": "var/checkpoints.jsonl"}, "Set AUDIT_CHECKPOINT_PATH"),
    ],
)
@pytest.mark.slow  # a Python process per case
def test_production_refuses_weak_values(change, message):
    result = run_python("import django; django.setup()", CARRYOVER_ENV="production", **{**SOUND, **change})
    assert result.returncode != 0
    assert message in result.stderr, result.stderr[-600:]


@pytest.mark.slow  # a Python process per case
def test_production_starts_with_sound_values():
    result = run_python("import django; django.setup(); print('started')", CARRYOVER_ENV="production", **SOUND)
    assert result.returncode == 0 and "started" in result.stdout, result.stderr[-600:]


@pytest.mark.slow  # a Python process per case
def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},  # set by browser tests
            "CARRYOVER_ENV": "production",
            "SECRET_KEY": GOOD_SECRET,
            "ALLOWED_HOSTS": "carryover.example.org",
            "FIELD_ENCRYPTION_KEYS": FERNET_KEY,
            "AUDIT_HMAC_KEY": AUDIT_KEY,
            "AUDIT_CHECKPOINT_PATH": str(tmp_path / "audit-checkpoints.jsonl"),
            "CARRYOVER_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "env, site_url",
    [
        ({}, "http://127.0.0.1:8000"),
        ({"BIND": "127.0.0.1:8123"}, "http://127.0.0.1:8123"),
        ({"BIND": "0.0.0.0:9000"}, "http://localhost:9000"),
        ({"BIND": "127.0.0.1:8123", "SITE_URL": "https://carryover.example.org/"}, "https://carryover.example.org"),
    ],
)
@pytest.mark.slow  # a Python process per case
def test_emailed_links_in_development_follow_bind(env, site_url):
    """Emailed links use SITE_URL: in development it is where bin/serve.py listens (BIND) unless set."""
    environment = {"BIND": "", "SITE_URL": "", **env}
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    result = run_python(code, **{k: v for k, v in environment.items() if v})
    assert result.stdout.strip() == site_url, result.stderr[-600:]
