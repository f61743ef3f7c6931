"""Two machines, as a practice group runs them, on this one: two gunicorn nodes on two loopback ports, two
db_workers and one reminders clock, one PostgreSQL, one local S3 server. Requests alternate between the nodes; a
drawing stored through node A opens through node B; a reminder batch is delivered exactly once; node A is SIGKILLed
in the middle of 200 autosaves and 40 submissions, mid-request, and nothing acknowledged is lost or sent twice; B
stays ready and names the file store when it stops."""

from __future__ import annotations

import base64
import http.client
import http.cookiejar
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack

import pytest
from aiosmtpd.controller import Controller
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from carryover.homework.tests.media_samples import image
from carryover.lib.tests.test_serve import ROOT, demo_env, free_port, wait_for
from carryover.reminders.tests.conftest import Sink

from .s3 import S3Server
from .test_backup import manage

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
BIN = os.path.dirname(sys.executable)
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"
AUTOSAVES = 200
SUBMISSIONS = 40  # one after every fifth autosave, each a whole entry sent step by step
PREPARE = (
    "import datetime; from carryover.accounts.models import User\n"
    "from carryover.homework.tests.conftest import assign\n"
    "t, c = User.objects.get(email='therapist@example.org'), User.objects.get(email='client@example.org')\n"
    "today = datetime.date.today().isoformat()\n"
    "pks = []\n"
    f"for formats in [['write', 'draw'], ['write']] + [['write']] * {SUBMISSIONS}:\n"
    "    a = assign(t, c, key='journal', formats=formats, start_date=today, title='Two nodes ' + formats[-1])\n"
    "    pks.append(a.occurrences.order_by('due_date').first().pk)\n"
    "print(*pks)"
)


class Session:
    """One person's browser: a cookie jar shared by both nodes (cookies belong to 127.0.0.1, whatever the port)."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.csrf = ""
        self.url = ""  # where the last POST ended, after its redirects

    def get(self, base: str, path: str) -> str:
        with self.opener.open(base + path, timeout=20) as response:
            page = response.read().decode()
        found = re.search(r'name="csrf-token" content="([^"]+)"', page) or re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', page
        )
        self.csrf = found.group(1) if found else self.csrf
        return page

    def post(self, base: str, path: str, data: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf}).encode()
        request = urllib.request.Request(base + path, data=body, headers={"X-CSRFToken": self.csrf})
        with self.opener.open(request, timeout=20) as response:
            self.url = response.geturl()
            return response.status, response.read().decode()


def sign_in(session: Session, base: str, email: str, *, totp: bool = False) -> None:
    session.get(base, "/accounts/login/")
    session.post(base, "/accounts/login/", {"login": email, "password": "carryover-demo"})
    if totp:
        session.get(base, "/accounts/2fa/authenticate/")
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))
        session.post(base, "/accounts/2fa/authenticate/", {"code": code})


@pytest.fixture
def cluster(tmp_path, postgres_databases):
    s3 = S3Server()
    s3.start()
    env = {**demo_env(tmp_path), **s3.env(s3.new_bucket()), "DATABASE_URL": postgres_databases()}
    env.update(DB_POOL="1", DB_POOL_MAX_SIZE="4", READY_HEARTBEAT_MAX_AGE="120")
    sink = Sink()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env.update(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1")
    env["EMAIL_PORT"] = str(smtp.port)
    for command in (["migrate", "--noinput", "-v", "0"], ["load_demo"]):
        manage(env, *command)
    occurrences = [int(pk) for pk in shell(env, PREPARE).split()]
    ports = [free_port(), free_port()]
    logs = tmp_path / "logs"
    logs.mkdir()
    commands = {
        f"web{i}": [f"{BIN}/gunicorn", "carryover.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
        + ["--threads", "4"]
        for i, port in enumerate(ports)
    }
    commands.update({f"worker{i}": [sys.executable, "manage.py", "db_worker", "--interval", "1"] for i in range(2)})
    commands["clock"] = [sys.executable, "manage.py", "reminders_clock", "--interval", "5"]  # ticks all along
    with ExitStack() as stack:
        processes = {}
        for name, command in commands.items():
            log = stack.enter_context((logs / f"{name}.log").open("w"))
            processes[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            bases = [f"http://127.0.0.1:{port}" for port in ports]
            for base in bases:
                wait_for(base + "/healthz", seconds=60)
            yield {
                "env": env,
                "bases": bases,
                "processes": processes,
                "occurrences": occurrences,
                "s3": s3,
                "sink": sink,
            }
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes.values():
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
            s3.stop()
            smtp.stop()


def shell(env: dict, code: str) -> str:
    """What `code` printed (Django's shell announces its automatic imports first)."""
    return manage(env, "shell", "-c", code).stdout.strip().splitlines()[-1]


def ready(base: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_ready(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while ready(base)[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert ready(base) == (200, "ready\n")


BATCH = 40
# One transaction, so the clock's planner (ticking in the workers all along) sees the batch's clients only once
# they are planned, and leaves them alone. Committed one step at a time, a tick that read them as never planned
# (before `plan_clients` below) planned them after `make_due`: it moved or cancelled the batch's reminders to the
# digest's real time and added tomorrow's — 16 cancelled, 24 moved, 40 new, the "64 still open" seen in CI.
MAKE_DUE_BATCH = (
    "from django.db import transaction\n"
    "from carryover.devtools.management.commands.bench_reminders import Command, DOMAIN\n"
    "from carryover.reminders.models import Reminder, ReminderSettings\n"
    "from carryover.reminders.planning import plan_clients\n"
    "with transaction.atomic():\n"
    f"    bench = Command(); people = bench.make_clients({BATCH}); plan_clients(people)\n"
    "    Reminder.objects.filter(client__in=people).delete()\n"
    "    ReminderSettings.objects.filter(client__in=people).update(channels=['email'])\n"
    "    bench.make_due(people)\n"
    "print(DOMAIN)"
)
OPEN_REMINDERS = (
    "from carryover.reminders.models import Reminder; "
    "print(Reminder.objects.filter(client__user__email__endswith='bench.carryover.invalid', "
    "status__in=['scheduled', 'sending']).count())"
)


OPEN_DETAIL = (
    "from collections import Counter; from carryover.reminders.models import Reminder; "
    "print(sorted(Counter(Reminder.objects.filter(client__user__email__endswith='bench.carryover.invalid')"
    ".values_list('key', 'local_date', 'status', 'reason')).items()))"
)


def test_a_reminder_batch_is_delivered_exactly_once_by_two_workers(cluster):
    """The reminders benchmark's batch, all due in the same second, taken by the two workers at once."""
    env, sink = cluster["env"], cluster["sink"]
    domain = shell(env, MAKE_DUE_BATCH)
    deadline = time.monotonic() + 120
    while shell(env, OPEN_REMINDERS) != "0" and time.monotonic() < deadline:
        time.sleep(1)
    assert shell(env, OPEN_REMINDERS) == "0", shell(env, OPEN_DETAIL)
    received = [message["To"] for message in sink.messages if message["To"].endswith(domain)]
    assert sorted(received) == sorted(f"c{n}@{domain}" for n in range(BATCH))  # each client once, none twice


def test_two_nodes_share_files_sessions_and_survive_a_node_killed(cluster):
    a, b = cluster["bases"]
    env = cluster["env"]
    draw_occurrence, write_occurrence, *submissions = cluster["occurrences"]
    wait_ready(a)
    wait_ready(b)
    bob, therapist = Session(), Session()
    sign_in(bob, a, "client@example.org")
    # A drawing sent through node A ...
    bob.get(b, f"/do/{draw_occurrence}/")
    drawing = "data:image/png;base64," + base64.b64encode(image("PNG")).decode()
    bob.post(a, f"/do/{draw_occurrence}/?step=0", {"f-entry": "drawn", "f-drawing-drawing": drawing, "go": "next"})
    bob.post(b, f"/do/{draw_occurrence}/?step=outcome", {"o-outcome": "done", "go": "next"})
    bob.post(a, f"/do/{draw_occurrence}/?step=after", {"a-visibility": "shared", "go": "finish"})
    attachment_id = shell(env, "from carryover.homework.models import Attachment as A; print(A.objects.get().pk)")
    # ... opens for the therapist through node B (the bytes come from the shared bucket, decrypted by B).
    sign_in(therapist, b, "therapist@example.org", totp=True)
    with therapist.opener.open(f"{b}/attachments/{attachment_id}/", timeout=20) as served:
        assert served.status == 200 and served.headers["Content-Type"] == "image/png"
        assert served.read().startswith(b"\x89PNG")
    # 200 autosaves and 40 submissions, alternating nodes; node A is killed mid-request half-way; what failed is
    # retried on B, as a balancer or the phone's next try does.
    bob.get(a, f"/do/{write_occurrence}/")
    mine = f"from carryover.homework.models import Draft; d = Draft.objects.get(occurrence_id={write_occurrence})"
    draft = shell(env, f"{mine}; print(d.pk)")
    entries_before = int(shell(env, ENTRIES_OF_THE_CLIENT))
    acknowledged, connections = writes_through_a_crash(cluster, bob, f"/drafts/{draft}/autosave/", submissions)
    assert acknowledged == {"autosave": AUTOSAVES, "submission": SUBMISSIONS}
    raw = shell(env, f"{mine}; print(d.raw)")
    assert f"saved {AUTOSAVES - 1}" in raw
    # Every submission acknowledged is there once, with its own words; none is there twice.
    sent = json.loads(shell(env, SENT.format(ids=submissions)))
    assert sent == {str(pk): [f"submission {pk}"] for pk in submissions}
    # The entry is sent through B, the node left standing, and keeps what was typed before the crash.
    for step, data in (("0", {"go": "next"}), ("outcome", {"o-outcome": "done", "go": "next"})):
        bob.post(b, f"/do/{write_occurrence}/?step={step}", data)
    bob.post(b, f"/do/{write_occurrence}/?step=after", {"a-visibility": "shared", "go": "finish"})
    entry = "from carryover.homework.models import Entry as E; "
    entry += f"print(E.objects.get(occurrence_id={write_occurrence}).answers)"
    assert f"saved {AUTOSAVES - 1}" in shell(env, entry)
    assert int(shell(env, ENTRIES_OF_THE_CLIENT)) == entries_before + SUBMISSIONS + 1
    print(f"\nPostgreSQL connections in use during the write burst (2 nodes x 2 workers, pool max 4): {connections}")
    assert connections <= 2 * 2 * 4 + 2 * 4 + 1 + 5  # web pools + workers + clock, + psql and the test's own
    # Node B stays ready with A gone; when the S3 server stops, B says which dependency failed, and only that.
    assert ready(b) == (200, "ready\n")
    cluster["s3"].stop()
    assert ready(b) == (503, "not ready: file store\n")


ENTRIES_OF_THE_CLIENT = (
    "from carryover.homework.models import Entry; "
    "print(Entry.objects.filter(client__user__email='client@example.org').count())"
)
SENT = (  # occurrence -> the words of each entry sent for it
    "import json; from carryover.homework.models import Entry\n"
    "sent = {{pk: [] for pk in {ids}}}\n"
    "for e in Entry.objects.filter(occurrence_id__in={ids}): sent[e.occurrence_id].append(e.answers['entry'])\n"
    "print(json.dumps(sent))"
)


def post_either(bob: Session, bases: tuple[str, str], path: str, data: dict) -> int:
    """POST to the first node or, when it is gone (refused, or cut off mid-answer), to the second."""
    for base in bases:
        try:
            status, _ = bob.post(base, path, data)
        except (OSError, http.client.HTTPException):
            continue
        return status
    return 0


def writes_through_a_crash(cluster, bob: Session, draft_url: str, submissions: list[int]) -> tuple[dict[str, int], int]:
    """The autosaves and submissions, each request to the other node than the last; node A is SIGKILLed 50 ms into
    the request after the hundredth autosave. Returns what was acknowledged and the connections in use then."""
    a, b = cluster["bases"]
    acknowledged, connections, turn = {"autosave": 0, "submission": 0}, 0, iter(range(10**6))
    for number in range(AUTOSAVES):
        if number == AUTOSAVES // 2:
            connections = in_use(cluster["env"])
            threading.Timer(0.05, cluster["processes"]["web0"].send_signal, [signal.SIGKILL]).start()
        status = post_either(bob, (a, b) if next(turn) % 2 else (b, a), draft_url, {"f-entry": f"saved {number}"})
        acknowledged["autosave"] += status == 200
        if number % (AUTOSAVES // SUBMISSIONS) == 0:
            pk = submissions[number // (AUTOSAVES // SUBMISSIONS)]
            steps = [
                ("0", {"f-entry": f"submission {pk}", "go": "next"}),
                ("outcome", {"o-outcome": "done", "go": "next"}),
                ("after", {"a-visibility": "shared", "go": "finish"}),
            ]
            for step, data in steps:
                status = post_either(bob, (a, b) if next(turn) % 2 else (b, a), f"/do/{pk}/?step={step}", data)
            # Acknowledged: the finish answered and led out of the form (to Today, or to the entry when A had
            # saved it just before it died and B was asked again).
            acknowledged["submission"] += status == 200 and "/do/" not in bob.url
    return acknowledged, connections


def in_use(env: dict) -> int:
    query = f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{env['DATABASE_URL'].rsplit('/', 1)[1]}'"
    server = env["DATABASE_URL"].rsplit("/", 1)[0]
    return int(subprocess.run(["psql", f"{server}/postgres", "-Atc", query], capture_output=True, text=True).stdout)
