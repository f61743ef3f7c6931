"""Small cross-cutting middleware: a request id for audit and logs, and no caching of signed-in pages."""

import contextvars
import logging
import re
import uuid

from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Gives each request an id (or keeps a well-formed one set by the proxy) for audit rows and logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class NoStoreMiddleware:
    """Pages for a signed-in person hold personal data: never let a browser or proxy keep a copy. A response that
    sets `private_cache = True` keeps its own Cache-Control (a chart image: `private`, revalidated by ETag)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if getattr(response, "private_cache", False):
            return response
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response


class HealthCheckMiddleware:
    """`GET /healthz` for load balancers: 200 when the database answers, 503 otherwise, and nothing more.

    Answered before host validation and HTTPS redirects, since balancers probe by IP address over plain HTTP.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != "/healthz":
            return self.get_response(request)
        from django.db import connection

        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                healthy = cursor.fetchone() == (1,)
        except Exception:  # any database failure means "not ready", and says no more than that
            healthy = False
        response = HttpResponse(
            "ok\n" if healthy else "unavailable\n", content_type="text/plain", status=200 if healthy else 503
        )
        response["Cache-Control"] = "no-store"
        return response
