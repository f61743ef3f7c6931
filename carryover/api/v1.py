"""`/api/v1/`: the versioned API, its OpenAPI 3.1 document (`/api/v1/openapi.json`) and its docs page, served
from django-ninja's bundled Swagger UI files (no CDN; the page loads only same-origin scripts and styles, so it
passes the site's CSP unchanged).

`CarryoverAPI` adds the conventions every answer shares: the rate-limit headers, and an ETag on every successful
GET with a 304 for a matching `If-None-Match`.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import path
from ninja import NinjaAPI

from . import (  # noqa: F401 (worksheets adds to therapist.work)
    care,
    client,
    export,
    invitations,
    practice,
    reminder_settings,
    support,
    therapist,
    views,
    worksheets,
)
from .conventions import etag_of, rate_headers
from .problems import PROBLEM_JSON, TITLES, install_handlers
from .schemas import ProblemOut

DESCRIPTION = """Carryover's REST API: the same rules, access checks and audit as the web app.

Authenticate with a personal access token from your account page: `Authorization: Bearer <token>`. Errors are
RFC 9457 `application/problem+json` with a message per field. See docs/api.md for the conventions and changelog."""


class CarryoverAPI(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        if request.method == "GET" and response.status_code == 200:
            tag = etag_of(data)
            response["ETag"] = tag
            wanted = {t.strip().removeprefix("W/") for t in request.headers.get("If-None-Match", "").split(",")}
            if tag in wanted or "*" in wanted:
                not_modified = HttpResponseNotModified()
                for name in ("ETag", "Last-Modified"):
                    if name in response:
                        not_modified[name] = response[name]
                response = not_modified
        return rate_headers(request, response)

    def _get_urls(self):
        """ninja's URLs, but `/api/v1/` itself answers the API's problem+json 404 (ninja's answers the site's HTML
        page); every other unknown path under it falls through to `api/urls.py`'s catch-all, which does too."""
        urls = [url for url in super()._get_urls() if getattr(url, "name", None) != "api-root"]
        return [*urls, path("", views.api_not_found, name="api-root")]

    def get_openapi_schema(self, *args, **kwargs):
        """ninja's document, with the answers every operation can also give: problem+json for each 4xx, and 304
        for a GET whose ETag the caller already has."""
        schema = super().get_openapi_schema(*args, **kwargs)
        schema["components"]["schemas"]["Problem"] = ProblemOut.model_json_schema()
        problem = {"content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                for status in PROBLEM_STATUSES:
                    operation["responses"].setdefault(str(status), {"description": TITLES[status], **problem})
                if method == "get":
                    operation["responses"]["304"] = {"description": "Not modified (If-None-Match)"}
        return schema


PROBLEM_STATUSES = (400, 401, 403, 404, 409, 412, 413, 422, 429)

api = CarryoverAPI(
    title="Carryover API",
    version="1.1.0",  # docs/api.md, Changelog
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_handlers(api)
for router in (
    therapist.review,
    therapist.work,
    therapist.safety,
    client.me_work,
    client.me_safety,
    reminder_settings.router,
    practice.router,
    support.router,
    support.mine,
    care.work,
    care.me_work,
    care.review,
    care.safety,
    invitations.router,
    export.router,
):
    api.add_router("", router)
