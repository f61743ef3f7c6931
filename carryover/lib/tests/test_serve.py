"""`make run`'s last step, for real: migrate, load the demo, start gunicorn + db_worker, sign in, stop on Ctrl-C."""

import http.cookiejar
import os
import re
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

ROOT = Path(__file__).resolve().parents[3]


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


def test_serve_starts_web_and_worker_and_demo_login_works(tmp_path):
    # Always SQLite in a temporary folder: this must never touch a developer's or CI's PostgreSQL database.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(CARRYOVER_VAR_DIR=str(tmp_path), WEB_WORKERS="1")
    for command in (["migrate", "--noinput", "-v", "0"], ["load_demo"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=120)
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
        try:
            opener.open(request, timeout=10)
            raise AssertionError("expected a redirect after signing in")
        except urllib.error.HTTPError as redirect:
            assert redirect.code == 302
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
