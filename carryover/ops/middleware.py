"""`/readyz` and `/metrics`, answered before host checks and HTTPS redirects (probes and scrapers come by IP
address over the private network, like `/healthz`), the per-view request metrics, and the one answer every view
gives when the file store cannot be reached."""

from __future__ import annotations

import hmac
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from carryover.lib.errors import store_unavailable
from carryover.lib.filestore import FileStoreError
from carryover.lib.jsonlog import user_id_var

from .metrics import LATENCY, REQUESTS, metrics_text
from .readiness import failed_checks


def _plain(body: str, status: int = 200, content_type: str = "text/plain") -> HttpResponse:
    response = HttpResponse(body, content_type=content_type, status=status)
    response["Cache-Control"] = "no-store"
    return response


def readyz() -> HttpResponse:
    failed = failed_checks()
    if failed:
        return _plain(f"not ready: {', '.join(failed)}\n", status=503)
    return _plain("ready\n")


def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if not token:
        return _plain("Not found\n", status=404)  # metrics are off until an operator sets a token
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(offered.encode(), token.encode()):
        response = _plain("Unauthorized\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return _plain(metrics_text().decode(), content_type="text/plain; version=0.0.4; charset=utf-8")


class ProbesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/readyz":
            return readyz()
        if request.path == "/metrics":
            return metrics(request)
        return self.get_response(request)


class RequestMetricsMiddleware:
    """Counts each request under its view's URL name (never its path, which holds ids), with its latency; and
    puts the signed-in person's numeric id where the JSON log lines find it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        user = getattr(request, "user", None)
        token = user_id_var.set(user.pk if user is not None and user.is_authenticated else None)
        try:
            response = self.get_response(request)
        finally:
            user_id_var.reset(token)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match is not None else "") or "unmatched"
        REQUESTS.labels(view=view, method=request.method, status=f"{response.status_code // 100}xx").inc()
        LATENCY.labels(view=view).observe(time.perf_counter() - started)
        return response


class FileStoreErrorMiddleware:
    """A view that could not reach the file store (an attachment, an export or archive download, an import) answers
    503 with a plain page, not a 500: its transaction was rolled back, so a download link stays unused and a form
    can be sent again. (The store logged the error's class; the page names nothing of the store.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, FileStoreError):
            response = store_unavailable(request)
            response["Retry-After"] = "60"
            return response
        return None
