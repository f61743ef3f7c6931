"""`make run`'s last step, for real: migrate, load the demo, start gunicorn + db_worker, sign in, stop on Ctrl-C."""

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from carryover.reminders.tests.conftest import Sink

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow  # migrates, loads the demo and starts the real server in subprocesses


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback only)
                if response.status == 200:
                    return
        except OSError:  # refused while starting, or slow to answer on a busy machine (URLError is one too)
            time.sleep(0.3)
    raise AssertionError(f"{url} did not come up within {seconds}s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def demo_env(var_dir: Path) -> dict[str, str]:
    # Always SQLite in a temporary folder: this must never touch a developer's or CI's PostgreSQL database.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(CARRYOVER_VAR_DIR=str(var_dir), WEB_WORKERS="1")
    return env


@pytest.fixture(scope="module")
def demo_var(tmp_path_factory) -> Path:
    """A var folder, migrated and with the demo loaded once; each test serves a copy of it."""
    var_dir = tmp_path_factory.mktemp("demo-var")
    env = demo_env(var_dir)
    for command in (["migrate", "--noinput", "-v", "0"], ["load_demo"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=120)
    return var_dir


def test_serve_starts_web_and_worker_and_demo_login_works(tmp_path, demo_var):
    shutil.copytree(demo_var, tmp_path, dirs_exist_ok=True)
    env = demo_env(tmp_path)
    port = free_port()
    env["BIND"] = f"127.0.0.1:{port}"
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "bin/serve.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)  # type: ignore[arg-type]
    reader.start()
    try:
        wait_for(base + "/healthz")
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        page = opener.open(base + "/accounts/login/", timeout=10).read().decode()
        assert "Sign in" in page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"login": "client@example.org", "password": "carryover-demo", "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(base + "/accounts/login/", data=form, headers={"Referer": base + "/"})
        with pytest.raises(urllib.error.HTTPError) as redirect:  # NoRedirect turns the 302 into an error
            opener.open(request, timeout=10)
        assert redirect.value.code == 302
        home = opener.open(base + "/today/", timeout=10).read().decode()
        assert "Hello, Sam" in home
        # The worker starts beside the web server; on a busy machine it may still be starting at this point.
        deadline = time.monotonic() + 30
        while not any("Starting worker" in line for line in lines) and time.monotonic() < deadline:
            time.sleep(0.2)
        # The audit clock and the worker seal what those requests logged, and checkpoint it outside the database.
        verify, verified, give_up = [sys.executable, "manage.py", "verify_audit"], "", time.monotonic() + 60
        while time.monotonic() < give_up:
            verified = subprocess.run(verify, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60).stdout
            if "checkpointed" in verified and "not sealed yet" not in verified:
                break
            time.sleep(1)
        assert "chain intact, checkpointed up to event" in verified and "not sealed yet" not in verified, verified
        assert (tmp_path / "audit-checkpoints.jsonl").exists()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        reader.join(timeout=10)
    output = "".join(lines)
    assert server.returncode == 0, output
    assert "Starting worker" in output  # the db_worker ran beside the web server
    assert "Carryover stopped." in output


def test_served_logs_carry_no_reset_key_or_invitation_token(tmp_path, demo_var):
    """The real thing: gunicorn's access log, Django's warnings and the worker's lines, all on the server's output,
    after a password reset and an invitation are emailed, opened and used."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    shutil.copytree(demo_var, tmp_path, dirs_exist_ok=True)
    env = demo_env(tmp_path)
    env.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(controller.port))
    env["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
    invite = (
        "from carryover.accounts.models import User; from carryover.accounts.services import invitation_create; "
        "invitation_create(inviter=User.objects.get(email='therapist@example.org'), email='new@example.org', "
        "role='client')"
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", invite], cwd=ROOT, env=env, check=True, timeout=60)
    port = free_port()
    env["BIND"] = f"127.0.0.1:{port}"
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "bin/serve.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)  # type: ignore[arg-type]
    reader.start()
    try:
        wait_for(base + "/healthz")
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)

        def post(path: str, fields: dict[str, str]) -> int:
            page = opener.open(base + path, timeout=10).read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
            request = urllib.request.Request(base + path, data=data, headers={"Referer": base})
            try:
                return opener.open(request, timeout=10).status
            except urllib.error.HTTPError as answer:
                return answer.code

        assert post("/accounts/password/reset/", {"email": "client@example.org"}) == 302
        deadline = time.monotonic() + 60  # the worker polls every second; a busy machine may take longer
        # Wait for these two by name: other mail may come first (the demo's support nudge goes out at 20:00 the client's
        # time, so a run in those evening hours also mails Morgan).
        wanted = {"client@example.org", "new@example.org"}
        while not wanted <= {message["To"] for message in sink.messages} and time.monotonic() < deadline:
            time.sleep(0.2)
        bodies = {message["To"]: message.get_payload(decode=True).decode() for message in sink.messages}
        reset = re.search(r"/accounts/password/reset/key/([^/\s]+)/", bodies["client@example.org"])
        invitation = re.search(r"/invite/([\w-]+)/", bodies["new@example.org"])
        assert reset and invitation, bodies
        key, token = reset.group(1), invitation.group(1)

        def status(path: str) -> int:
            try:
                return opener.open(base + path, timeout=10).status
            except urllib.error.HTTPError as answer:
                return answer.code

        assert status(reset.group(0)) == 302  # allauth keeps the key in the session and sends the browser on
        assert status(invitation.group(0)) == 200
        fields = {"name": "New", "password": "a long and friendly passphrase", "time_zone": "UTC", "consent": "on"}
        assert post(invitation.group(0), fields) == 302
        assert status(invitation.group(0)) == 410  # used: Django logs a "Gone" warning naming the path
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        reader.join(timeout=10)
        controller.stop()
    output = "".join(lines)
    assert server.returncode == 0, output
    assert '"GET /invite/[redacted]/" 200' in output and '"POST /invite/[redacted]/" 302' in output  # gunicorn
    assert '"GET /accounts/password/reset/key/[redacted]/" 302' in output
    assert "Gone: /invite/[redacted]/" in output  # django.request
    for secret in (key, key.split("-", 1)[1], token):
        assert secret not in output
