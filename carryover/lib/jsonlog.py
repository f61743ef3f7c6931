"""JSON log lines (LOG_FORMAT=json): one object a line with the time, level, logger, request id, the signed-in
person's numeric id and the message. Messages are already free of clinical text by the project's rule (nothing a
client wrote is logged) and of secret links (redact.py runs first); no other field of a record is copied in."""

from __future__ import annotations

import contextvars
import json
import logging
import traceback
from datetime import UTC, datetime

user_id_var: contextvars.ContextVar[int | None] = contextvars.ContextVar("user_id", default=None)


class UserIdLogFilter(logging.Filter):
    """Adds the numeric id of the person signed in. Django logs a 4xx/5xx answer after the middleware has finished,
    with the request attached: the ids are then read from the request itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        user_id = user_id_var.get()
        request = getattr(record, "request", None)
        if request is not None and user_id is None:
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else None
        record.user_id = user_id
        if request is not None and getattr(record, "request_id", "-") == "-":
            record.request_id = getattr(request, "request_id", "-")
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "user_id": getattr(record, "user_id", None),
            "message": record.getMessage(),
        }
        if record.exc_info:
            # The exception's class and the frames it passed through; its message can quote data, so it is left out.
            _, error, trace = record.exc_info
            line["error"] = type(error).__name__ if error is not None else ""
            line["frames"] = [f"{frame.filename}:{frame.lineno} {frame.name}" for frame in traceback.extract_tb(trace)]
        return json.dumps(line, ensure_ascii=False)
