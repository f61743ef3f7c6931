"""The therapist's review pages: caseload, timeline, sessions, the session-prep summary and its PDF.

Each fetches through an access helper; the extension providers (review/extensions.py) and page panels are called
here, so the templates only render."""

from __future__ import annotations

from datetime import timedelta

from csp.decorators import csp_replace
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carryover.accounts.access import (
    get_caseload_for_therapist,
    get_client_for_therapist,
    get_practice_for_admin,
    role_required,
)
from carryover.accounts.models import Invitation, Role
from carryover.audit.models import Action
from carryover.homework.models import SESSION_WINDOW_DAYS, Assignment, local_today
from carryover.lib.extensions import panels_for
from carryover.lib.recovery import recovered_initial
from carryover.lib.types import AuthedRequest

from . import charts, insight, services
from .access import get_chart_owner, get_session_for_therapist
from .caseload import caseload_rows, filter_rows
from .extensions import caseload_signals, links_for, timeline_providers
from .forms import NextSessionForm, ReviewSettingsForm, SessionForm, WindowForm
from .models import ReviewSettings, Session
from .pdf import Busy, paper_for, summary_pdf
from .summary import summary_context
from .tasks import summary_pdf_ahead
from .timeline import timeline_events
from .windows import window_for

BUILDING_RETRY_SECONDS = 2
TIMELINE_DAYS = 30
CASELOAD_PAGE = 50  # rows drawn at a time: a caseload of 200 costs little more than one of 60


def _summary_context(request: AuthedRequest, client_id: int) -> dict:
    # Reading the summary (page or PDF) is an export of the client's record, audited as one.
    client = get_client_for_therapist(request, client_id, action=Action.EXPORT, object_type="session_summary")
    return {**summary_context(client, request.GET), "links": links_for(client)}


@role_required(Role.THERAPIST)
def client_summary(request: AuthedRequest, client_id: int) -> HttpResponse:
    context = _summary_context(request, client_id)
    charts.publish(context["summary"].all_charts, context["client"].user_id)
    # The PDF of what is on screen, built by a worker meanwhile: kept by the time "Download PDF" is clicked.
    summary_pdf_ahead(client=context["client"], window=context["window"], reader_id=request.user.pk)
    return TemplateResponse(request, "review/summary.html", context)


# Private: a browser may keep the picture but no shared cache may; no-cache: it asks again each time (the access
# check runs, and is audited, every time), and the ETag (the key, which changes with the data) makes that a 304.
CHART_CACHING = "private, no-cache"


@csp_replace({"style-src": ["'self'", "'unsafe-inline'"], "script-src": ["'none'"], "default-src": ["'none'"]})
@role_required(Role.THERAPIST, Role.CLIENT)
def chart_image(request: AuthedRequest, client_id: int, chart_key: str) -> HttpResponse:
    """A published chart (`charts.publish`) as an SVG image, for the client's care team or the client."""
    owner = get_chart_owner(request, client_id)
    etag = f'"{chart_key}"'
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        svg = charts.stored_svg(chart_key, owner.user_id)
        if svg is None:
            raise Http404()
        response = HttpResponse(svg, content_type="image/svg+xml")
    response["ETag"] = etag
    response["Cache-Control"] = CHART_CACHING
    response.private_cache = True  # type: ignore[attr-defined]  # kept by NoStoreMiddleware
    return response


@role_required(Role.THERAPIST)
def client_summary_pdf(request: AuthedRequest, client_id: int) -> HttpResponse:
    context = {**_summary_context(request, client_id), "prepared_at": timezone.now()}
    window = context["window"]
    paper = paper_for(context["client"].practice.country, request.GET.get("paper"))
    try:
        pdf = summary_pdf(context, request=request, paper=paper)
    except Busy:
        # Another request is building this client's PDF: say so, and ask again shortly (it will be kept by then).
        building = TemplateResponse(request, "review/pdf_building.html", context, status=202)
        building["Retry-After"] = str(BUILDING_RETRY_SECONDS)
        return building
    response = HttpResponse(pdf, content_type="application/pdf")
    # No name in the file name: it ends up in download folders and browser histories.
    response["Content-Disposition"] = f'attachment; filename="session-summary-{window.start}-to-{window.end}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@role_required(Role.THERAPIST)
def client_sessions(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(
        request, client_id, action=Action.CREATE if request.method == "POST" else Action.READ, object_type="session"
    )
    form = SessionForm(request.POST or None, today=local_today(client.user), initial={"date": local_today(client.user)})
    if request.method == "POST" and form.is_valid():
        services.session_record(therapist=request.user.membership, client=client, **form.cleaned_data)
        messages.success(request, _("Session recorded. The summary now starts from it."))
        return redirect("client_sessions", client.user_id)
    return _sessions_page(request, client, form=form)


@require_POST
@role_required(Role.THERAPIST)
def client_next_session(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(request, client_id, action=Action.UPDATE, object_type="session")
    latest = Session.objects.latest_for(client)
    held = latest.date if latest else None
    next_form = NextSessionForm(request.POST, latest=held, today=local_today(client.user))
    if latest is None or not next_form.is_valid():
        form = SessionForm(today=local_today(client.user), initial={"date": local_today(client.user)})
        return _sessions_page(request, client, form=form, next_form=next_form)
    day = next_form.cleaned_data["next_date"]
    services.next_session_set(session=latest, next_date=day)
    if day is None:
        messages.success(
            request, _("Next session cancelled. Nothing “before each session” is due until one is booked.")
        )
    else:
        messages.success(
            request,
            _("Next session moved to %(day)s. What is due before it moves too.") % {"day": date_format(day, "D j M")},
        )
    return redirect("client_sessions", client.user_id)


def _sessions_page(request: AuthedRequest, client, *, form: SessionForm, next_form=None) -> HttpResponse:
    sessions = list(Session.objects.for_client(client).select_related("therapist__user")[:50])
    latest = sessions[0] if sessions else None
    if latest is not None and next_form is None:
        next_form = NextSessionForm(
            latest=latest.date, today=local_today(client.user), initial={"next_date": latest.next_date}
        )
    context = {"client": client, "form": form, "next_form": next_form, "sessions": sessions, "latest": latest}
    return TemplateResponse(request, "review/sessions.html", {**context, "window_days": SESSION_WINDOW_DAYS})


@role_required(Role.THERAPIST)
def client_timeline(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(request, client_id, object_type="timeline")
    dates = WindowForm(request.GET).chosen()
    window = window_for(today=local_today(client.user), last_session=None, chosen=dates, default_days=TIMELINE_DAYS)
    assignments = list(Assignment.objects.filter(client=client).order_by("-created_at"))
    kind = request.GET.get("kind", "")
    if kind and kind not in timeline_providers.kinds:
        window.notes.append(_("That type isn't one we know, so every type is shown."))
        kind = ""
    chosen = request.GET.get("assignment", "")
    assignment_id = next((a.pk for a in assignments if str(a.pk) == chosen), None)
    if chosen and assignment_id is None:
        window.notes.append(_("That isn't one of %(name)s’s, so all are shown.") % {"name": client.user.display_name})
    events = timeline_events(client, window, kinds={kind} if kind else None, assignment_id=assignment_id)
    days: dict = {}
    for event in events:
        days.setdefault(event.day, []).append(event)
    context = {
        "client": client,
        "window": window,
        "days": days,
        "kinds": timeline_providers.kinds,
        "kind": kind,
        "assignments": assignments,
        "assignment_id": assignment_id,
        "earlier": window.start - timedelta(days=1),
        "form": WindowForm(initial={"start": window.start, "end": window.end}),
    }
    context["panels"] = panels_for("timeline", request=request, client=client)
    return TemplateResponse(request, "review/timeline.html", context)


@role_required(Role.THERAPIST)
def caseload(request: AuthedRequest) -> HttpResponse:
    clients = get_caseload_for_therapist(request)
    search = request.GET.get("q", "").replace("\x00", "").strip()[:100]  # PostgreSQL refuses NUL in a query
    show = request.GET.get("show", "")
    rows = caseload_rows(request.user.membership, clients, search=search)
    waiting = Invitation.objects.filter(
        invited_by=request.user, role=Role.CLIENT, accepted_at__isnull=True, revoked_at__isnull=True
    )  # a guardian's invitation (support role) is on that client's support page
    # Those who need attention most first, a page at a time: every client is ranked, only a page is drawn.
    page = Paginator(filter_rows(rows, show), CASELOAD_PAGE).get_page(request.GET.get("page"))
    context = {
        "rows": page,
        "page": page,
        "total": len(rows),
        "search": search,
        "show": show,
        "kinds": caseload_signals.kinds,
        "invitations": waiting.order_by("-created_at"),
    }
    context["panels"] = panels_for("caseload", request=request)
    return TemplateResponse(request, "review/caseload.html", context)


@role_required(Role.THERAPIST)
def caseload_insight(request: AuthedRequest) -> HttpResponse:
    clients = get_caseload_for_therapist(request)
    found = insight.caseload_insight(clients.order_by())
    context = {"days": insight.DAYS, **found.tables, "extra": found.extra}
    return TemplateResponse(request, "review/insight.html", context)


@role_required(Role.ADMIN)
def review_settings(request: AuthedRequest) -> HttpResponse:
    practice = get_practice_for_admin(request)
    initial = recovered_initial(request) or {"quiet_days": ReviewSettings.quiet_days_for(practice.pk)}
    form = ReviewSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.review_settings_save(practice_id=practice.pk, quiet_days=form.cleaned_data["quiet_days"])
        messages.success(request, _("Review settings saved."))
        return redirect("review_settings")
    return TemplateResponse(request, "review/review_settings.html", {"form": form, "practice": practice})


@require_POST
@role_required(Role.THERAPIST)
def session_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    session = get_session_for_therapist(request, pk, action=Action.DELETE)
    services.session_delete(session=session)
    messages.success(request, _("The session on %(day)s was removed.") % {"day": date_format(session.date, "j M Y")})
    return redirect("client_sessions", session.client.user_id)
