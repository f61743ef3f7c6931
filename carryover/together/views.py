"""Pages of the review conversation (therapist, in session) and the client's confidence check.

Each fetches through one access helper (together/access.py, or the accounts and homework ones) and calls one
service; the figures each step shows come from the session-prep summary (review/summary.py), read once."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from carryover.accounts.access import get_client_for_therapist, role_required
from carryover.accounts.models import Role
from carryover.audit.models import Action
from carryover.homework.access import get_assignment_for_client, get_template_for_therapist
from carryover.homework.forms import AssignmentForm, assignment_initial, version_initial
from carryover.homework.models import Goal, Template, TemplateKind, TemplateVersion, local_today
from carryover.homework.services import next_session_of
from carryover.lib.types import AuthedRequest
from carryover.review.forms import SessionForm

from . import services
from .access import get_conversation_for_therapist, get_step_for_therapist
from .forms import ClientChangeForm, ClientConfidenceForm, StepForm
from .models import CONFIDENT, Adjustment, Conversation, Decision, Step, StepKind
from .pages import conversation_context, next_url, step_context

WRITE = {"GET": Action.READ}


@role_required(Role.THERAPIST)
def start(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(
        request, client_id, action=WRITE.get(request.method or "", Action.CREATE), object_type="review_conversation"
    )
    if request.method == "POST":
        conversation = services.conversation_start(
            therapist=request.user.membership, client=client, today=local_today(client.user)
        )
        return redirect(next_url(conversation))
    return TemplateResponse(request, "together/start.html", conversation_context(request, client))


@role_required(Role.THERAPIST)
def step(request: AuthedRequest, pk: int) -> HttpResponse:
    item = get_step_for_therapist(request, pk, action=WRITE.get(request.method or "", Action.UPDATE))
    form = StepForm(
        request.POST or None,
        decisions=services.DECISIONS_FOR[StepKind(item.kind)],
        initial={"decision": item.decision, "learned": item.learned, "version": item.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.step_save(
                step=item, actor=request.user, version=form.cleaned_data["version"], data=form.step_input()
            )
        except services.StepError as error:
            _add_errors(form, error)
        else:
            if saved.decision == Decision.ADJUST:
                return redirect("together_change", saved.pk)
            return redirect(next_url(saved.conversation))
    return TemplateResponse(request, "together/step.html", step_context(request, item, form))


@role_required(Role.THERAPIST)
def change(request: AuthedRequest, pk: int) -> HttpResponse:
    """An adjusted activity (the assignment edit, agreed in session) or a new one: its form, then confidence."""
    item = get_step_for_therapist(request, pk, action=WRITE.get(request.method or "", Action.UPDATE))
    if item.assignment is None and item.template_version is None:  # a flagged entry: nothing to edit
        return redirect("together_step", item.pk)
    version = item.template_version if item.assignment is None else item.assignment.template_version
    initial = item.plan or assignment_initial(item.assignment)
    decision = Decision.NEW if item.kind == StepKind.NEW else Decision.ADJUST
    return _plan_page(request, item.conversation, version, item=item, initial=initial, decision=decision)


@role_required(Role.THERAPIST)
def new(request: AuthedRequest, pk: int) -> HttpResponse:
    """A new activity from the library: the list, then (with `?template=`) its form."""
    conversation = get_conversation_for_therapist(request, pk, action=WRITE.get(request.method or "", Action.UPDATE))
    chosen = request.GET.get("template", "")
    if not chosen.isascii() or not chosen.isdigit() or len(chosen) > 18:
        templates = Template.objects.visible_to(request.user.membership).filter(kind=TemplateKind.ACTIVITY)
        versions = TemplateVersion.objects.filter(template__in=templates).order_by("name", "template_id", "-number")
        latest = list({v.template_id: v for v in reversed(versions)}.values())
        context = {"conversation": conversation, "client": conversation.client, "versions": latest}
        return TemplateResponse(request, "together/new.html", context)
    version = get_template_for_therapist(request, int(chosen)).latest_version()
    initial = version_initial(version, local_today(conversation.client.user))
    return _plan_page(request, conversation, version, item=None, initial=initial, decision=Decision.NEW)


def _plan_page(request, conversation: Conversation, version, *, item: Step | None, initial: dict, decision: str):
    client = conversation.client
    plan_form = AssignmentForm(
        request.POST or None,
        goals=Goal.objects.filter(client=client, archived=False),
        allowed_formats=version.formats,
        initial=initial,
        optional_risk=version.has_optional_risk_rules,
        next_session=next_session_of(client),
        bound_today=local_today(client.user),
    )
    step_initial = {"decision": decision, "version": item.version if item else 0}
    if item is not None:
        step_initial.update(learned=item.learned, confidence=item.confidence)
    low = item is not None and item.low_confidence
    form = StepForm(request.POST or None, decisions=[Decision(decision)], low=low, initial=step_initial)
    if request.method == "POST" and plan_form.is_valid() and form.is_valid():
        plan, data = services.plan_of(plan_form.cleaned_data), form.step_input()
        data.plan = plan
        try:
            if item is None:
                item = services.step_add_new(conversation=conversation, actor=request.user, version=version, data=data)
            else:
                item = services.step_save(
                    step=item, actor=request.user, version=form.cleaned_data["version"], data=data
                )
        except services.StepError as error:
            _add_errors(form, error)
        else:
            if services.needs_adjustment(item):
                return redirect("together_change", item.pk)
            return redirect(next_url(item.conversation))
    context = {"conversation": conversation, "client": client, "version": version, "item": item}
    context.update(
        plan_form=plan_form, form=form, needs_adjustment=item is not None and services.needs_adjustment(item)
    )
    return TemplateResponse(request, "together/change.html", {**context, "confident": CONFIDENT})


@role_required(Role.THERAPIST)
def finish(request: AuthedRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_therapist(request, pk, action=WRITE.get(request.method or "", Action.UPDATE))
    client = conversation.client
    today = local_today(client.user)
    form = SessionForm(request.POST or None, today=today, initial={"date": today, "next_date": next_session_of(client)})
    if request.method == "POST" and conversation.is_draft and form.is_valid():
        c = form.cleaned_data
        try:
            result = services.conversation_finish(
                conversation=conversation, actor=request.user, day=c["date"], next_date=c["next_date"], note=c["note"]
            )
        except services.Finished:
            messages.info(request, _("This review was already finished, and applied once. Nothing was applied twice."))
            return redirect("together_start", client.user_id)
        except services.StepError as error:
            _add_errors(form, error)
        else:
            for reason in result.left_out:
                messages.warning(request, reason)
            messages.success(
                request,
                _(
                    "Review finished and the session recorded. %(first_name)s now sees what you agreed on their Today "
                    "page."
                )
                % {"first_name": client.user.first_name},
            )
            return redirect("together_start", client.user_id)
    context = {**conversation_context(request, client, conversation), "form": form}
    return TemplateResponse(request, "together/finish.html", context)


@role_required(Role.THERAPIST)
def remove(request: AuthedRequest, pk: int) -> HttpResponse:
    """Take a new activity added by mistake out of the draft (POST); the week's own steps stay."""
    item = get_step_for_therapist(request, pk, action=WRITE.get(request.method or "", Action.DELETE))
    if request.method != "POST":
        return redirect("together_change" if item.kind == StepKind.NEW else "together_step", item.pk)
    if services.step_remove(step=item):
        messages.success(
            request,
            _("“%(get)s” was taken out of this review; nothing was created.") % {"get": item.plan.get("title", "")},
        )
        return redirect("together_start", item.conversation.client.user_id)
    messages.error(
        request,
        _(
            "Only a new activity added in a review still in progress can be taken out. The week’s own activities "
            "stay in the review: choose what you agreed for them instead."
        ),
    )
    return redirect("together_step", item.pk)


@role_required(Role.THERAPIST)
def discard(request: AuthedRequest, pk: int) -> HttpResponse:
    """Throw a draft review away (asked first); a finished one can't be, and stays."""
    conversation = get_conversation_for_therapist(request, pk, action=WRITE.get(request.method or "", Action.DELETE))
    client = conversation.client
    if not conversation.is_draft:
        messages.info(request, _("This review was finished, so it can’t be discarded: what you agreed stays."))
        return redirect("together_start", client.user_id)
    if request.method == "POST":
        if services.conversation_discard(conversation=conversation):
            name = client.user.first_name
            messages.success(
                request,
                _("The review was discarded. Nothing from it was applied; nothing changed for %(name)s.")
                % {"name": name},
            )
        else:
            messages.info(
                request, _("This review was finished meanwhile, so it was not discarded: what you agreed stays.")
            )
        return redirect("together_start", client.user_id)
    return TemplateResponse(request, "together/discard.html", conversation_context(request, client, conversation))


def _add_errors(form, error: services.StepError) -> None:
    for name, message in error.errors.items():
        form.add_error(name if name in form.fields else None, message)


# --- The client's confidence check -----------------------------------------------------------------------------


@role_required(Role.CLIENT)
def sure(request: AuthedRequest, pk: int) -> HttpResponse:
    """ "How sure are you that you'll do this?" the first time a client opens an activity sent between sessions."""
    assignment = get_assignment_for_client(request, pk, action=WRITE.get(request.method or "", Action.CREATE))
    form = ClientConfidenceForm(request.POST or None, low="adjustment" in request.POST)
    if request.method == "POST" and form.is_valid():
        rating, adjustment = form.rating_value(), form.cleaned_data.get("adjustment", "")
        if rating is not None and rating < CONFIDENT and not adjustment:
            # Below 7: ask what would make it easier before recording (the rating rides along, hidden).
            form = ClientConfidenceForm(initial={"rating": str(rating)}, low=True)
            context = {"assignment": assignment, "form": form, "low": True, "rating": rating}
            return TemplateResponse(request, "together/sure.html", context)
        check = services.confidence_record(
            assignment=assignment, rating=rating, adjustment=adjustment, note=form.cleaned_data["note"]
        )
        if check.invites_change and adjustment in (Adjustment.TIME, Adjustment.FORMAT):
            messages.success(request, _("Thank you. You can change when or how you do it yourself, here."))
            return redirect("together_my_way", assignment.pk)
        messages.success(request, _thanks(adjustment))
        return redirect("assignment_detail", assignment.pk)
    context = {"assignment": assignment, "form": form, "low": "adjustment" in form.fields}
    return TemplateResponse(request, "together/sure.html", context)


@role_required(Role.CLIENT)
def my_way(request: AuthedRequest, pk: int) -> HttpResponse:
    """The client changes when or how they do an activity themselves, after saying below 7 (recorded as theirs)."""
    assignment = get_assignment_for_client(request, pk, action=WRITE.get(request.method or "", Action.UPDATE))
    check = assignment.confidence_checks.first()
    if check is None or not check.invites_change:
        messages.info(request, services.NOT_YOURS_TO_CHANGE)
        return redirect("assignment_detail", assignment.pk)
    initial = {name: assignment.c(name) for name in ("if_when", "if_then")} | {"formats": assignment.formats}
    allowed = assignment.template_version.formats
    form = ClientChangeForm(request.POST or None, allowed_formats=allowed, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            revision = services.client_change(assignment=assignment, actor=request.user, changes=form.changes())
        except services.StepError as error:
            messages.info(request, error.errors["form"])
            return redirect("assignment_detail", assignment.pk)
        if revision is None:
            messages.info(request, _("Nothing was changed: it stays as it was."))
        else:
            messages.success(request, _("Changed. Your therapist will see that you changed it, and what."))
        return redirect("assignment_detail", assignment.pk)
    return TemplateResponse(request, "together/my_way.html", {"assignment": assignment, "form": form})


def _thanks(adjustment: str) -> str:
    if adjustment and adjustment != Adjustment.KEEP:
        return _("Thank you. Your therapist will see that “%(change)s” might help, and can change it with you.") % {
            "change": Adjustment(adjustment).label.lower()
        }
    return _("Thank you. Any effort counts, even a small part of it.")
