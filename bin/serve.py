"""Serve Carryover on one machine: gunicorn for the web app, one db_worker for background tasks, and the three
clocks that queue periodic work for it (the reminders tick, audit sealing, the records sweep).

All stop cleanly on Ctrl-C (or SIGTERM); if one dies, the others are stopped too.
"""

import os
import signal
import subprocess
import sys
import time

BIN = os.path.dirname(sys.executable)
BIND = os.environ.get("BIND", "127.0.0.1:8000")
WEB = [
    os.path.join(BIN, "gunicorn"),
    "carryover.wsgi",
    "--bind",
    BIND,
    "--workers",
    os.environ.get("WEB_WORKERS", "2"),
    "--threads",
    os.environ.get("WEB_THREADS", "4"),
    "--access-logfile",
    "-",
    "--access-logformat",
    '%(h)s "%(m)s %(U)s" %(s)s %(M)sms',  # no query strings
    "--logger-class",
    "carryover.lib.redact.GunicornLogger",  # no secret links: invitation tokens, reset keys
    "--graceful-timeout",
    "10",
]
WORKER = [sys.executable, "manage.py", "db_worker", "--interval", "1"]
CLOCK = [sys.executable, "manage.py", "reminders_clock"]  # queues the reminders tick every minute
AUDIT_CLOCK = [sys.executable, "manage.py", "audit_clock"]  # queues audit sealing every 5 seconds
RECORDS_CLOCK = [sys.executable, "manage.py", "records_clock"]  # queues link expiry and due erasures every hour


def main() -> int:
    children = [subprocess.Popen(command) for command in (WEB, WORKER, CLOCK, AUDIT_CLOCK, RECORDS_CLOCK)]
    stopping = False

    def stop(signum=None, frame=None):
        nonlocal stopping
        if stopping:
            return
        stopping = True
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(f"Carryover is running on http://{BIND}  (web + background worker; Ctrl-C stops both)", flush=True)
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.5)
    stop()
    deadline = time.monotonic() + 15
    for child in children:
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            child.kill()
    print("Carryover stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
