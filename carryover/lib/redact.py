"""Working secrets never reach a log line.

Four links carry a secret in their path: an invitation (`/invite/<token>/`), a password reset
(`/accounts/password/reset/key/<uid>-<key>/`), an email-address confirmation (`/accounts/confirm-email/<key>/`) and
an export's one-time download (`/downloads/<id>/<token>/`).
The calendar feed's key travels in the query string (`?key=`), which the access log leaves out (bin/serve.py); it is
matched here too, for any line that does print a query string, and so is an API token sent (and refused) there.
Whoever holds a log must not hold these: a reset key opens an account until its password changes, an invitation
makes one.

Every path into a log goes through `redact`: Django's handlers by `RedactSecretsFilter` (settings.LOGGING), gunicorn's
access and error logs by `GunicornLogger` (bin/serve.py). `lib/tests/test_redact.py` checks that every URL pattern
taking a token or key is covered, so a new secret link cannot slip past this list unnoticed.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger as _GunicornBaseLogger

REDACTED = "[redacted]"
# API tokens belong in the Authorization header; one sent in a query string anyway is refused (api/auth.py) and
# must not reach a log on its way there.
API_TOKEN_PARAMS = ("access_token", "token", "api_key", "apikey", "bearer")
_SECRET = re.compile(
    r"(?P<keep>/invite/(?!new-link/)|/accounts/password/reset/key/|/accounts/confirm-email/|/downloads/\d+/"
    rf"|[?&;](?:key|{'|'.join(API_TOKEN_PARAMS)})=)"
    r"[^/\s?&;#\"'<>]+"
)


def redact(text: str) -> str:
    """`text` with the secret part of every secret-carrying path or `key=` parameter replaced."""
    return _SECRET.sub(lambda match: match["keep"] + REDACTED, text)


class RedactSecretsFilter(logging.Filter):
    """Rewrites a record's message (and traceback) with secrets redacted, before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call: let the handler report it as logging does, not raise here
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactSecretsFilter()


class GunicornLogger(_GunicornBaseLogger):
    """gunicorn's logger with every access and error line passed through `redact` (`--logger-class`)."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(_FILTER)  # the same instance each time: a configuration reload adds no second one
