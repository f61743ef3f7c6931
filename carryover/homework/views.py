"""Pages for homework: a client's Today, activities, entries and fear ladder; a therapist's library, assigning and
client page.

Each fetches through an access helper (homework/access.py) and calls one service; blocks other apps add to a page
come from `panels_for`, called here."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from carryover.accounts.access import get_client_for_therapist, get_own_client_record, role_required
from carryover.accounts.models import CareLink, Role
from carryover.audit.models import Action
from carryover.lib.converters import parse_id
from carryover.lib.devicecache import keep_offline, keeping_copy
from carryover.lib.extensions import panels_for
from carryover.lib.types import AuthedRequest

from . import offline, overlay, services
from .access import (
    get_assignment_for_client,
    get_assignment_for_therapist,
    get_attachment_for_user,
    get_draft_for_client,
    get_entry_for_user,
    get_notice_for_therapist,
    get_occurrence_for_client,
    get_revision_for_client,
    get_template_for_therapist,
)
from .attachments import attachment_read
from .flow import offline_copy, offline_steps, worksheet_flow
from .forms import (
    CommentForm,
    GoalForm,
    LadderFormSet,
    NotWorkingForm,
    assign_form,
    assignment_initial,
    ladder_items_from,
    version_initial,
)
from .hooks import risk_watch
from .models import (
    Assignment,
    AssignmentStatus,
    Draft,
    Entry,
    Goal,
    LadderItem,
    Notice,
    Occurrence,
    ScheduleKind,
    Template,
    Welcome,
    local_today,
)
from .picker import last_used, last_used_initial, library_picker
from .render import display_entry

# --- Client ----------------------------------------------------------------------------------------------------


def reminders_panel(me) -> dict:
    from carryover.reminders.services import badge, later_choices, next_reminder

    return {
        "reminder_badge": badge(me, mark_seen=True),
        "next_reminder": next_reminder(me),
        "later_choices": later_choices(me),
    }


@role_required(Role.CLIENT)
@keep_offline
def today(request: AuthedRequest) -> HttpResponse:
    me = get_own_client_record(request, object_type="today")
    services.occurrences_ensure(client=me)
    day = local_today(request.user)
    occurrences = (
        Occurrence.objects.filter(client=me, due_date__gte=day, due_date__lte=day + timedelta(days=6))
        .exclude(assignment__status=AssignmentStatus.ARCHIVED)
        .select_related("assignment__template_version__template", "draft")  # kept offline; Spanish title
    )
    context = {
        "day": day,
        **week_plan(list(occurrences), day),
        "updates": services.revisions_unseen(me),
        "welcome": not Welcome.objects.filter(client=me).exists(),
        "has_ladder": LadderItem.objects.filter(client=me, archived=False).exists(),
        **risk_watch().today(me),
        **reminders_panel(me),
        "panels": panels_for("today", request=request, client=me),
    }
    context["offline_urls"] = offline_urls(context["todays"], context["this_week"])
    return TemplateResponse(request, "homework/today.html", context)


def offline_urls(todays: list[Occurrence], this_week: list[dict]) -> list[str]:
    """What the phone keeps for a day without signal: Today, every step of each activity open now (a questionnaire's
    every question), the safety plan and the crisis lines."""
    open_now = [o for o in todays if o.is_open] + [w["next"] for w in this_week if w["next"]]
    urls = [reverse("client_home"), reverse("help"), reverse("safety_plan")]
    for occurrence in open_now:
        if occurrence.assignment.status != AssignmentStatus.ACTIVE:
            continue
        page = occurrence.start_url()
        steps = offline_steps(occurrence.assignment.template_version)
        urls += [page, *(f"{page}?step={step}" for step in steps)]
    return urls


def week_plan(occurrences: list[Occurrence], day: date) -> dict:
    """Today's activities in full (title, minutes, Start), "N times this week" ones with what is left, and each
    later day as one line: the first screen on a phone is what to do now."""
    per_week: dict[int, list[Occurrence]] = {}
    todays: list[Occurrence] = []
    later: dict[date, list[Occurrence]] = {}
    for occurrence in occurrences:
        if occurrence.assignment.schedule_kind == ScheduleKind.PER_WEEK:
            per_week.setdefault(occurrence.assignment_id, []).append(occurrence)
        elif occurrence.opens_on() <= day:  # due today, or "before each session" and its window is open
            todays.append(occurrence)
        else:
            later.setdefault(occurrence.due_date, []).append(occurrence)
    this_week = []
    for slots in per_week.values():
        open_slots = [o for o in slots if o.is_open]
        this_week.append(
            {
                "assignment": slots[0].assignment,
                "next": open_slots[0] if open_slots else None,
                "left": len(open_slots),
                "total": len(slots),
                "due": slots[0].due_date,
            }
        )
    return {"todays": todays, "this_week": this_week, "later": sorted(later.items())}


@require_POST
@role_required(Role.CLIENT)
def welcome_dismiss(request: AuthedRequest) -> HttpResponse:
    me = get_own_client_record(request, action=Action.UPDATE, object_type="welcome")
    services.welcome_dismiss(client=me)
    return redirect("client_home")


@role_required(Role.CLIENT)
@keep_offline
def occurrence_do(request: AuthedRequest, pk: int) -> HttpResponse:
    occurrence = get_occurrence_for_client(
        request, pk, action=Action.UPDATE if request.method == "POST" else Action.READ
    )
    if hasattr(occurrence, "entry"):
        return redirect("entry_detail", occurrence.entry.pk)
    if occurrence.assignment.template_version.is_questionnaire:  # one question per screen, scored once: its own flow
        return redirect(reverse("measure_do", args=[occurrence.pk]) + ("?skip=1" if request.GET.get("skip") else ""))
    if occurrence.assignment.status != AssignmentStatus.ACTIVE and not hasattr(occurrence, "draft"):
        messages.info(request, _("This is paused or finished, so nothing is due."))
        return redirect("client_home")
    if request.method == "GET" and keeping_copy(request):
        # The phone keeping a copy of each step for offline use: shown without starting the activity.
        version = occurrence.assignment.template_version
        draft = getattr(occurrence, "draft", None) or Draft(
            client=occurrence.client, occurrence=occurrence, template_version=version
        )
        return offline_copy(request, draft, occurrence.assignment)
    draft = services.draft_for(
        client=occurrence.client, occurrence=occurrence, version=occurrence.assignment.template_version
    )
    return worksheet_flow(request, draft, occurrence.assignment)


@require_POST
@role_required(Role.CLIENT)
def occurrence_offline(request: AuthedRequest, pk: int) -> HttpResponse:
    """Answers a phone kept while offline, sent when the connection returned (`homework/offline.py`): JSON in and
    out, since the phone's script (or its service worker) sends them, not a form."""
    occurrence = get_occurrence_for_client(request, pk, action=Action.UPDATE)
    return offline.offline_reply(occurrence=occurrence, body=request.body)


@role_required(Role.CLIENT)
def practice_log(request: AuthedRequest) -> HttpResponse:
    me = get_own_client_record(request, action=Action.UPDATE, object_type="practice_log")
    version = Template.objects.get(key="skill_practice", practice__isnull=True).latest_version()
    draft = services.draft_for(client=me, occurrence=None, version=version)
    return worksheet_flow(request, draft, None)


@require_POST
@role_required(Role.CLIENT)
def draft_autosave(request: AuthedRequest, pk: int) -> HttpResponse:
    from .flow import autosave_warning, raw_from_request

    draft = get_draft_for_client(request, pk)
    before = dict(draft.raw)
    updates = raw_from_request(request, draft)
    try:
        services.draft_save(draft=draft, updates=updates)
    except services.DraftGone:
        return HttpResponse(status=204)  # sent from another tab or device: nothing left to save
    if risk_watch().draft_saved(draft=draft, before=before):
        # htmx follows it (the whole page changes); "after=save" because the client's own Next may overtake it
        return HttpResponseClientRedirect(reverse("crisis_support") + "?after=save")
    context = {"draft": draft, "warning": autosave_warning(draft, updates)}
    return TemplateResponse(request, "homework/flow.html#saved", context)  # the page's own partial


@role_required(Role.CLIENT)
def assignment_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_client(request, pk)
    latest = assignment.revisions.order_by("-number").first()
    if latest and latest.seen_by_client_at is None:
        services.revision_mark_seen(client=assignment.client, revision=latest)
    panels = panels_for("assignment_client", request=request, assignment=assignment, latest=latest)
    context = {"assignment": assignment, "latest": latest, "notices": assignment.notices.all()[:5], "panels": panels}
    return TemplateResponse(request, "homework/assignment_client.html", context)


@role_required(Role.CLIENT)
def assignment_not_working(request: AuthedRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_client(
        request, pk, action=Action.CREATE if request.method == "POST" else Action.READ
    )
    form = NotWorkingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.notice_create(
            client=assignment.client,
            assignment=assignment,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Thank you for saying so. Your therapist will see it and can adjust it with you."))
        return redirect("client_home")
    return TemplateResponse(request, "homework/not_working.html", {"assignment": assignment, "form": form})


@require_POST
@role_required(Role.CLIENT)
def revision_seen(request: AuthedRequest, pk: int) -> HttpResponse:
    revision = get_revision_for_client(request, pk)
    services.revision_mark_seen(client=revision.assignment.client, revision=revision)
    return redirect("client_home")


@role_required(Role.CLIENT)
def ladder(request: AuthedRequest) -> HttpResponse:
    me = get_own_client_record(
        request, action=Action.UPDATE if request.method == "POST" else Action.READ, object_type="fear_ladder"
    )
    return _ladder_page(request, me, done=reverse("ladder"))


@role_required(Role.CLIENT, Role.THERAPIST)
def entry_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = get_entry_for_user(request, pk, action=Action.CREATE if request.method == "POST" else Action.READ)
    is_client = request.user.role == Role.CLIENT
    form = CommentForm(request.POST or None) if not is_client and not entry.is_private else None
    if form is not None and request.method == "POST" and form.is_valid():
        services.comment_add(entry=entry, author=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Comment added; the client will see it with this entry."))
        return redirect("entry_detail", entry.pk)
    show_content = is_client or not entry.is_private
    context = {
        "entry": entry,
        "show_content": show_content,
        "steps": display_entry(entry) if show_content else [],
        "comments": entry.comments.select_related("author") if show_content else [],
        "form": form if show_content else None,
        "attachments": {a.pk: a for a in entry.attachments.all()} if show_content else {},
    }
    return TemplateResponse(request, "homework/entry_detail.html", context)


# --- Therapist ----------------------------------------------------------------------------------------------------


@role_required(Role.THERAPIST)
def library(request: AuthedRequest) -> HttpResponse:
    client = None
    if request.GET.get("for"):
        client_id = parse_id(request.GET["for"])
        if client_id is None:
            raise Http404()
        client = get_client_for_therapist(request, client_id)
    picker = library_picker(request.user.membership, query=request.GET.get("q", ""), shelf=request.GET.get("shelf", ""))
    compact = bool(client and request.GET.get("compact"))  # the search on a client's page, under its own heading
    context = {"picker": picker, "client": client, "compact": compact, "level": 3 if compact else 2}
    if request.headers.get("HX-Request"):  # typing in the search box: only the results change
        return TemplateResponse(request, "homework/_picker.html#results", context)
    return TemplateResponse(request, "homework/library.html", context)


@require_POST
@role_required(Role.THERAPIST)
def favourite_toggle(request: AuthedRequest, pk: int) -> HttpResponse:
    template = get_template_for_therapist(request, pk)
    services.favourite_toggle(therapist=request.user.membership, template=template)
    client_id = parse_id(request.POST.get("for", ""))
    if client_id and request.POST.get("back") == "client":
        return redirect("client_detail", client_id)
    return redirect(f"{reverse('library')}?for={client_id}" if client_id else reverse("library"))


@role_required(Role.THERAPIST)
def template_preview(request: AuthedRequest, pk: int) -> HttpResponse:
    from .render import bind_step

    template = get_template_for_therapist(request, pk)
    version = template.latest_version()
    texts = overlay.localized(version)  # a built-in in the reader's language, as a client reading it sees it
    steps = [
        {
            "title": step["title"],
            "help": step.get("help", ""),
            "fields": bind_step(texts["schema"], i, {}, {}, formats=version.formats),
        }
        for i, step in enumerate(texts["schema"]["steps"])
    ]
    context = {"version": version, "texts": texts, "steps": steps, "content_lang": overlay.untranslated(version)}
    return TemplateResponse(request, "homework/template_preview.html", context)


@role_required(Role.THERAPIST)
def assign(request: AuthedRequest, client_id: int, template_id: int) -> HttpResponse:
    client = get_client_for_therapist(
        request, client_id, action=Action.CREATE if request.method == "POST" else Action.READ
    )
    template = get_template_for_therapist(request, template_id)
    version = template.latest_version()
    today = local_today(client.user)
    previous = last_used(request.user.membership, template)
    form = assign_form(
        version,
        request.POST or None,
        goals=Goal.objects.filter(client=client, archived=False),
        allowed_formats=version.formats,
        initial=last_used_initial(previous, today) if previous else version_initial(version, today),
        optional_risk=version.has_optional_risk_rules,
        next_session=services.next_session_of(client),
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        services.assignment_create(
            therapist=request.user.membership, client=client, version=version, data=form.data_object()
        )
        messages.success(
            request,
            _("Assigned “%(cleaned_data)s” to %(user)s.")
            % {"cleaned_data": form.cleaned_data["title"], "user": client.user.display_name},
        )
        return redirect("client_detail", client.user_id)
    context = {"form": form, "client": client, "version": version, "previous": previous}
    return TemplateResponse(request, "homework/assign.html", context)


@role_required(Role.THERAPIST)
def assignment_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_therapist(
        request, pk, action=Action.UPDATE if request.method == "POST" else Action.READ
    )
    version = assignment.template_version
    goals = Goal.objects.filter(client=assignment.client, archived=False)
    form = assign_form(
        version,
        request.POST or None,
        goals=goals,
        allowed_formats=version.formats,
        initial=assignment_initial(assignment),
        optional_risk=version.has_optional_risk_rules,
        next_session=services.next_session_of(assignment.client),
        bound_today=local_today(assignment.client.user),
    )
    if request.method == "POST" and form.is_valid():
        revision = services.assignment_update(assignment=assignment, actor=request.user, data=form.data_object())
        if revision:
            messages.success(request, _("Saved. The client will see what changed."))
        return redirect("client_detail", assignment.client.user_id)
    context = {"form": form, "client": assignment.client, "version": version, "assignment": assignment}
    return TemplateResponse(request, "homework/assign.html", context)


@require_POST
@role_required(Role.THERAPIST)
def assignment_status(request: AuthedRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_therapist(request, pk, action=Action.UPDATE)
    status = request.POST.get("status", "")
    if status not in AssignmentStatus.values:
        messages.error(request, _("That isn't a status an assignment can have."))
    else:
        services.assignment_set_status(assignment=assignment, actor=request.user, status=status)
        messages.success(
            request,
            _("“%(assignment)s” is now %(label)s.")
            % {"assignment": assignment.title, "label": AssignmentStatus(status).label.lower()},
        )
    return redirect("client_detail", assignment.client.user_id)


@role_required(Role.THERAPIST)
def goal_new(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(
        request, client_id, action=Action.CREATE if request.method == "POST" else Action.READ
    )
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.goal_create(actor=request.user, client=client, text=form.cleaned_data["text"], steps=form.steps_list())
        messages.success(request, _("Goal added."))
        return redirect("client_detail", client.user_id)
    return TemplateResponse(request, "homework/goal_new.html", {"form": form, "client": client})


@role_required(Role.THERAPIST)
def client_ladder(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(
        request, client_id, action=Action.UPDATE if request.method == "POST" else Action.READ, object_type="fear_ladder"
    )
    return _ladder_page(request, client, done=reverse("client_ladder", args=[client.user_id]))


def _ladder_page(request: AuthedRequest, client, *, done: str) -> HttpResponse:
    items = LadderItem.objects.filter(client=client, archived=False)
    initial = [{"id": i.pk, "description": i.description, "suds": i.suds, "position": n} for n, i in enumerate(items)]
    formset = LadderFormSet(request.POST or None, initial=initial)
    if request.method == "POST" and formset.is_valid():
        services.ladder_save(actor=request.user, client=client, items=ladder_items_from(formset))
        messages.success(request, _("Ladder saved."))
        return redirect(done)
    return TemplateResponse(request, "homework/ladder.html", {"formset": formset, "client": client})


@require_POST
@role_required(Role.THERAPIST)
def notice_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = get_notice_for_therapist(request, pk)
    services.notice_resolve(notice=notice, actor=request.user)
    messages.success(request, _("Marked as discussed."))
    return redirect("client_detail", notice.client.user_id)


def client_work(client, day) -> dict:
    """What the therapist's client page shows of the work: assignments with adherence, entries, notices."""
    open_notices = Count("notices", filter=Q(notices__resolved_at__isnull=True))
    of_client = Assignment.objects.for_client(client).select_related("template_version", "goal")
    assignments = list(of_client.annotate(open_notices=open_notices).order_by("status", "-created_at"))
    windows = {"a7": day - timedelta(days=6), "a30": day - timedelta(days=29)}
    today = {client.pk: day}
    recent = Occurrence.objects.filter(client=client).due_between(windows["a30"], day)
    adherence = recent.adherence_by_assignment(windows, today=today)  # activities only
    answered = recent.questionnaire_tallies("assignment_id", today=today)
    rows = [
        {"assignment": a, "questionnaires": answered.get(a.pk), **adherence.get(a.pk, {"a7": None, "a30": None})}
        for a in assignments
    ]
    entries = Entry.objects.filter(client=client).select_related("assignment")[:30]
    missed = Occurrence.objects.filter(client=client).missed(today).select_related("assignment")
    return {
        "assignments": rows,
        "entries": entries,
        "missed": missed.order_by("-due_date")[:10],
        "notices": Notice.objects.filter(client=client, resolved_at__isnull=True).select_related("assignment"),
        "goals": Goal.objects.filter(client=client, archived=False),
        "ladder": LadderItem.objects.filter(client=client, archived=False),
    }


@role_required(Role.THERAPIST)
def client_detail(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(request, client_id)
    services.occurrences_ensure(client=client)
    links = CareLink.objects.filter(client=client, ended_at__isnull=True).select_related("therapist__user")
    context = {"client": client, "links": links, **client_work(client, local_today(client.user))}
    context["picker"] = library_picker(request.user.membership)
    context["panels"] = panels_for("client_detail", request=request, client=client)
    return TemplateResponse(request, "homework/client_detail.html", context)


@role_required(Role.CLIENT, Role.THERAPIST)
def attachment_view(request: AuthedRequest, pk: int) -> HttpResponse:
    attachment = get_attachment_for_user(request, pk)
    response = HttpResponse(attachment_read(attachment), content_type=attachment.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "no-store"
    return response
