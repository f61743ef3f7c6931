"""URLs for the benchmarks only: the project's own, plus the floor view that pages are measured against.

The floor is what every page costs before it does anything: sign-in required, the base template with one line of
body, the same middleware. Benchmarks set ROOT_URLCONF to this module; the project never serves it.
"""

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse
from django.urls import include, path


@login_required
def floor(request):
    return TemplateResponse(request, "devtools/floor.html", {})


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), path("", include("carryover.urls"))]
