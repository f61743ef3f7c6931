"""The loop of a clock command (`reminders_clock`, `audit_clock`): run a step every so often until SIGTERM or
Ctrl-C, checking for the signal twice a second so that stopping never waits for a whole interval."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable


def run_every(interval: float, step: Callable[[], None], *, once: bool = False) -> None:
    running = True

    def stop(signum, frame):
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while running:
        step()
        if once:
            return
        deadline = time.monotonic() + interval
        while running and time.monotonic() < deadline:
            time.sleep(0.5)
