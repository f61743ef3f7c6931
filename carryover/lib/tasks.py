"""What background tasks share: how long to wait before trying a failed email again."""

from __future__ import annotations

from datetime import timedelta

# A failed send (mail server down or refusing) is tried again after each of these delays, then given up.
EMAIL_RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))


def email_retry_delay(attempt: int) -> timedelta | None:
    """The wait before trying again after failed attempt number `attempt` (from 1), or None: time to give up."""
    return EMAIL_RETRY_DELAYS[attempt - 1] if attempt <= len(EMAIL_RETRY_DELAYS) else None
