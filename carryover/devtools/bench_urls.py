"""The benchmarks' URLconf: the product's URLs plus a floor view (`bench_growth`, `bench_review`), so pages are
measured against the framework's own cost on the same machine in the same run. Used only through
`override_settings(ROOT_URLCONF=...)` by a benchmark command; the product never routes here."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from carryover.urls import urlpatterns as product

FLOOR_URL = "/__bench/floor/"


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    """The floor: sign-in required, the base template, one line of body, the same middleware as every page."""
    return TemplateResponse(request, "devtools/bench_floor.html", {})


urlpatterns = [path(FLOOR_URL.strip("/") + "/", floor, name="bench_floor"), *product]
