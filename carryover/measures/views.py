"""The measures pages. The client's: answering a questionnaire, crisis support, asking for help, the safety plan,
their scores. The therapist's and admin's: risk alerts (acknowledge, resolve), a client's scores and safety
plan, crisis lines to check, safety settings."""

from __future__ import annotations

from csp.decorators import csp_replace
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carryover.accounts import crisis
from carryover.accounts.access import (
    get_caseload_for_therapist,
    get_client_for_therapist,
    get_own_client_record,
    get_practice_for_admin,
    role_required,
)
from carryover.accounts.models import Membership, Role
from carryover.audit.models import Action
from carryover.homework import offline
from carryover.homework.access import get_occurrence_for_client
from carryover.homework.models import AssignmentStatus, Occurrence, local_today
from carryover.lib.devicecache import keep_offline
from carryover.lib.types import AuthedRequest
from carryover.review.models import Session

from . import risk, scoring, services
from .access import get_alert_for_therapist, get_chart_client, in_care_team
from .charts import measure_chart
from .flow import already_sent, measure_flow
from .forms import ResolveAlertForm, SafetyPlanForm, SafetySettingsForm
from .instruments import MEASURES
from .models import AlertSource, MeasureResult

# --- Client --------------------------------------------------------------------------------------------------


def _measure_occurrence(request: AuthedRequest, pk: int) -> tuple[Occurrence, str]:
    occurrence = get_occurrence_for_client(
        request, pk, action=Action.UPDATE if request.method == "POST" else Action.READ
    )
    measure = services.measure_of(occurrence.assignment.template_version)
    if measure is None:
        raise Http404()
    return occurrence, measure


@role_required(Role.CLIENT)
@keep_offline
def measure_do(request: AuthedRequest, pk: int) -> HttpResponse:
    occurrence, measure = _measure_occurrence(request, pk)
    if hasattr(occurrence, "entry"):
        return already_sent(request, occurrence)
    if occurrence.assignment.status != AssignmentStatus.ACTIVE and not hasattr(occurrence, "draft"):
        messages.info(request, _("This is paused or finished, so nothing is due."))
        return redirect("client_home")
    return measure_flow(request, occurrence, measure)


@require_POST
@role_required(Role.CLIENT)
def measure_offline(request: AuthedRequest, pk: int) -> HttpResponse:
    """Answers a phone kept while offline, sent when the connection returned: applied as a worksheet's are
    (`homework/offline.py`), sent here so the questionnaire's page knows its own."""
    occurrence, _measure = _measure_occurrence(request, pk)
    return offline.offline_reply(occurrence=occurrence, body=request.body)


@role_required(Role.CLIENT)
def crisis_support(request: AuthedRequest) -> HttpResponse:
    me = get_own_client_record(request, object_type="crisis_support")
    resources = crisis.in_language(me.practice.crisis_resources.all())  # the alert records what was shown
    plan = services.safety_plan_of(me)
    plan = plan if plan is not None and any(plan.content.values()) else None  # an empty plan is no plan
    # After an autosave the browser may drop this page for the client's own Next, sent a moment later: the page
    # itself then says it was seen (`crisis_seen`, on load), and until it does the Next shows it again.
    after_save = request.GET.get("after") == "save"
    risk.crisis_shown(client=me, resources=resources, plan=plan, drafts=not after_save)
    context = {
        "confirm_seen": after_save,
        "resources": resources,
        "plan": plan,
        "sections": services.SAFETY_PLAN_SECTIONS,
        "told": risk.open_alert_exists(me),
    }
    return TemplateResponse(request, "measures/crisis.html", context)


@require_POST
@role_required(Role.CLIENT)
def crisis_seen(request: AuthedRequest) -> HttpResponse:
    """Sent by the crisis screen once it is on the client's screen (after an autosave's redirect)."""
    me = get_own_client_record(request, object_type="crisis_support")
    risk.crisis_seen(client=me)
    return HttpResponse(status=204)


@require_POST
@role_required(Role.CLIENT)
def help_request(request: AuthedRequest) -> HttpResponse:
    me = get_own_client_record(request, action=Action.CREATE, object_type="help_request")
    risk.alert_raise(client=me, source=AlertSource.HELP_NOW)
    return redirect("crisis_support")


@role_required(Role.CLIENT)
@keep_offline
def safety_plan(request: AuthedRequest) -> HttpResponse:
    action = Action.UPDATE if request.method == "POST" else Action.READ
    me = get_own_client_record(request, action=action, object_type="safety_plan")
    return _safety_plan_page(request, me, done="safety_plan")


@role_required(Role.CLIENT)
def my_measures(request: AuthedRequest) -> HttpResponse:
    me = get_own_client_record(request, object_type="measures")
    shared = services.charts_shared(me)
    context = {"shared": shared, "summaries": services.client_summaries(me) if shared else [], "client": me}
    return TemplateResponse(request, "measures/mine.html", context)


# --- Charts (client if shared, or their care team) ----------------------------------------------------------------


@csp_replace({"style-src": ["'self'", "'unsafe-inline'"], "script-src": ["'none'"], "default-src": ["'none'"]})
@role_required(Role.CLIENT, Role.THERAPIST)
def chart(request: AuthedRequest, client_id: int, measure: str) -> HttpResponse:
    """The SVG image of one measure (pygal writes its styles inline; as an image nothing in it runs)."""
    client = get_chart_client(request, client_id)
    if measure not in MEASURES:
        raise Http404()
    results = list(MeasureResult.objects.filter(client=client, measure=measure))
    sessions = Session.objects.dates_for(client)
    svg = measure_chart(measure, results, sessions, today=local_today(client.user))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


# --- Therapist -----------------------------------------------------------------------------------------------------


@role_required(Role.THERAPIST)
def alerts(request: AuthedRequest) -> HttpResponse:
    clients = get_caseload_for_therapist(request)
    rows = services.open_alerts_for_therapist(request.user.membership).filter(client__in=clients)
    return TemplateResponse(request, "measures/alerts.html", {"alerts": rows})


def _alert_page(request: AuthedRequest, alert, form: ResolveAlertForm) -> HttpResponse:
    care_team = in_care_team(request, alert)
    # The designated contact sees that an alert is waiting and for whom, not the answers behind it.
    result = getattr(alert.entry, "measure_result", None) if alert.entry_id and care_team else None
    context = {"alert": alert, "result": result, "form": form, "care_team": care_team}
    return TemplateResponse(request, "measures/alert_detail.html", context)


@role_required(Role.THERAPIST, Role.ADMIN)
def alert_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _alert_page(request, get_alert_for_therapist(request, pk), ResolveAlertForm())


@require_POST
@role_required(Role.THERAPIST, Role.ADMIN)
def alert_acknowledge(request: AuthedRequest, pk: int) -> HttpResponse:
    alert = get_alert_for_therapist(request, pk, action=Action.UPDATE)
    if services.alert_acknowledge(alert=alert, actor=request.user):
        messages.success(request, _("Acknowledged. The care team can see you are dealing with it."))
    else:
        messages.info(request, _("This alert had already been acknowledged."))
    return redirect("alert_detail", alert.pk)


@require_POST
@role_required(Role.THERAPIST)
def alert_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    alert = get_alert_for_therapist(request, pk, action=Action.UPDATE)
    form = ResolveAlertForm(request.POST)
    if form.is_valid():
        services.alert_resolve(alert=alert, actor=request.user, note=form.cleaned_data["note"])
        messages.success(request, _("Resolved, with your note."))
        return redirect("alert_detail", alert.pk)
    return _alert_page(request, alert, form)


@role_required(Role.THERAPIST)
def client_measures(request: AuthedRequest, client_id: int) -> HttpResponse:
    action = Action.UPDATE if request.method == "POST" else Action.READ
    client = get_client_for_therapist(request, client_id, action=action, object_type="measures")
    if request.method == "POST":
        shared = request.POST.get("shared") == "on"
        services.charts_share_set(client=client, shared=shared)
        messages.success(
            request, _("The client can now see these charts.") if shared else _("Charts are no longer shared.")
        )
        return redirect("client_measures", client.user_id)
    summaries = services.client_summaries(client)
    context = {
        "client": client,
        "summaries": summaries,
        "pair": services.pair_outcome_for(summaries),
        "pair_notes": [scoring.PAIR_NOTE],
        "shared": services.charts_shared(client),
        "alerts": client.risk_alerts.all()[:20],
    }
    return TemplateResponse(request, "measures/client_measures.html", context)


@role_required(Role.THERAPIST)
def client_safety_plan(request: AuthedRequest, client_id: int) -> HttpResponse:
    action = Action.UPDATE if request.method == "POST" else Action.READ
    client = get_client_for_therapist(request, client_id, action=action, object_type="safety_plan")
    return _safety_plan_page(request, client, done="client_safety_plan")


def _safety_plan_page(request: AuthedRequest, client: Membership, *, done: str) -> HttpResponse:
    plan = services.safety_plan_of(client)
    form = SafetyPlanForm(request.POST or None, initial=plan.content if plan else {})
    if request.method == "POST" and form.is_valid():
        services.safety_plan_save(client=client, actor=request.user, content=form.cleaned_data)
        messages.success(request, _("Safety plan saved."))
        return redirect(done, client.user_id) if done == "client_safety_plan" else redirect(done)
    context = {"form": form, "client": client, "plan": plan, "resources": client.practice.crisis_resources.all()}
    return TemplateResponse(request, "measures/safety_plan.html", context)


# --- Practice admin ------------------------------------------------------------------------------------------------


@role_required(Role.ADMIN)
def crisis_resources_stale(request: AuthedRequest) -> HttpResponse:
    practice = get_practice_for_admin(request)
    stale = services.crisis_resources_stale(practice, today=local_today(request.user))
    return TemplateResponse(request, "measures/crisis_stale.html", {"stale": stale, "practice": practice})


@role_required(Role.ADMIN)
def safety_settings(request: AuthedRequest) -> HttpResponse:
    practice = get_practice_for_admin(request)
    instance = services.safety_settings(practice)
    form = SafetySettingsForm(request.POST or None, instance=instance, practice=practice)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Safety settings saved."))
        return redirect("safety_settings")
    return TemplateResponse(request, "measures/safety_settings.html", {"form": form, "practice": practice})
