"""Support pages: the client's (who they share with, the scope with its live preview, pause, remove), the support
person's (what is shared, a kind word, "worried about them?") and the therapist's (who exists and the scope; a
minor's minimum; suggest or invite a guardian). Crisis lines are on every support person's page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carryover.accounts.access import get_client_for_therapist, get_own_client_record, role_required
from carryover.accounts.models import Membership, Role
from carryover.audit.models import Action
from carryover.lib.access import allow
from carryover.lib.types import AuthedRequest

from . import services
from .access import (
    get_guardian_link_for_therapist,
    get_link_for_client,
    get_link_for_supporter,
    get_waiting_link_for_supporter,
)
from .forms import (
    EncouragementForm,
    GuardianForm,
    InviteSupportForm,
    PolicyForm,
    ScopeForm,
    SuggestScopeForm,
    is_id,
)
from .models import SupportLink, SupportPolicy
from .shared import Scope, shared_view

# --- The client -----------------------------------------------------------------------------------------------


def _policy(client: Membership) -> SupportPolicy | None:
    return SupportPolicy.objects.filter(client=client).first()


@role_required(Role.CLIENT)
def support_settings(request: AuthedRequest) -> HttpResponse:
    me = get_own_client_record(request, object_type="support_settings")
    form = InviteSupportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link = services.link_invite(client=me, actor=request.user, **form.cleaned_data)
        except services.SupportError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request,
                _("Invitation to %(name)s is on its way. They see nothing until you choose.") % {"name": link.name},
            )
            return redirect("support_link", link.pk)
    links = list(SupportLink.objects.current().filter(client=me).select_related("invitation"))
    ended = list(SupportLink.objects.guardians_ended_unseen(me))
    services.guardian_links_seen(client=me)
    context = {"form": form, "links": links, "ended": ended, "policy": _policy(me)}
    return TemplateResponse(request, "support/settings.html", context)


@role_required(Role.CLIENT)
def support_link(request: AuthedRequest, pk: int) -> HttpResponse:
    link = get_link_for_client(request, pk, action=Action.UPDATE if request.method == "POST" else Action.READ)
    policy = _policy(link.client)
    form = ScopeForm(request.POST or None, client=link.client, initial=ScopeForm.initial_of(link))
    if request.method == "POST" and form.is_valid():
        try:
            services.scope_save(link=link, actor=request.user, choice=form.choice())
        except services.SupportError as error:
            form.add_error(None, str(error))
        else:
            saved = _("Saved. %(name)s now sees what the preview shows.") % {"name": link.name}
            if link.is_paused:
                saved += " " + _("Sharing is paused, so nothing is shared and no nudges go out until you resume.")
            messages.success(request, saved)
            return redirect("support_link", link.pk)
    scope = form.scope(Scope.of(link, policy)) if form.is_bound and form.is_valid() else Scope.of(link, policy)
    view = shared_view(link.client, scope, paused=link.is_paused)
    context = {"link": link, "form": form, "view": view, "policy": policy}
    return TemplateResponse(request, "support/link.html", context)


@require_POST
@role_required(Role.CLIENT)
def support_preview(request: AuthedRequest, pk: int) -> HttpResponse:
    """The live preview of an unsaved scope, drawn by the support person's own partial."""
    link = get_link_for_client(request, pk)
    form = ScopeForm(request.POST, client=link.client)
    base = Scope.of(link, _policy(link.client))
    scope = form.scope(base) if form.is_valid() else base
    context = {"view": shared_view(link.client, scope, paused=link.is_paused), "link": link, "errors": form.errors}
    return TemplateResponse(request, "support/_preview.html", context)


@require_POST
@role_required(Role.CLIENT)
def support_pause(request: AuthedRequest, pk: int) -> HttpResponse:
    link = get_link_for_client(request, pk, action=Action.UPDATE)
    try:
        services.link_set_paused(link=link, actor=request.user, paused=not link.is_paused)
    except services.SupportError as error:
        messages.error(request, str(error))
    else:
        done = "paused: they see that sharing is paused, nothing else" if link.is_paused else "sharing again"
        messages.success(request, _("%(name)s: %(done)s.") % {"name": link.name, "done": done})
    return redirect("support_link", link.pk)


@require_POST
@role_required(Role.CLIENT)
def support_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    link = get_link_for_client(request, pk, action=Action.DELETE)
    try:
        services.link_remove(link=link, actor=request.user)
    except services.SupportError as error:
        messages.error(request, str(error))
        return redirect("support_link", link.pk)
    messages.success(request, _("%(name)s was removed and can no longer see anything.") % {"name": link.name})
    return redirect("support_settings")


@require_POST
@role_required(Role.CLIENT)
def support_send_invitation(request: AuthedRequest, pk: int) -> HttpResponse:
    link = get_link_for_client(request, pk, action=Action.UPDATE)
    try:
        services.link_send_invitation(link=link, actor=request.user)
    except services.SupportError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("An invitation is on its way to %(name)s; any earlier link no longer works.") % {"name": link.name},
        )
    return redirect("support_link", link.pk)


@require_POST
@role_required(Role.CLIENT)
def support_share_entry(request: AuthedRequest, pk: int) -> HttpResponse:
    """ "Share this with Jo" or "stop sharing" on the client's own entry page; the entry is named in the body."""
    link = get_link_for_client(request, pk, action=Action.UPDATE)
    share = request.POST.get("share") == "yes"
    entry_id = request.POST.get("entry", "")
    if not is_id(entry_id):
        messages.error(request, _("That entry can't be shared with a support person."))
        return redirect("my_entries")
    try:
        services.entry_share_set(link=link, entry_id=int(entry_id), actor=request.user, share=share)
    except services.SupportError as error:
        messages.error(request, str(error))
        return redirect("my_entries")
    if share:
        messages.success(
            request,
            _("Shared with %(name)s: they see what you wrote here, never anything private.") % {"name": link.name},
        )
    else:
        messages.success(request, _("%(name)s no longer sees this entry.") % {"name": link.name})
    return redirect("my_entry", int(entry_id))


# --- The support person ------------------------------------------------------------------------------------------


def _crisis(request: AuthedRequest) -> dict:
    practice = request.user.membership.practice
    return {"resources": practice.crisis_resources.all(), "country": practice.get_country_display()}


@role_required(Role.SUPPORT)
def support_home(request: AuthedRequest) -> HttpResponse:
    links = list(SupportLink.objects.of_supporter(request.user).select_related("client__user"))
    waiting = list(SupportLink.objects.waiting_for(request.user).select_related("client__user"))
    practice_id = request.user.membership.practice_id
    allow(request, practice_id=practice_id, client_id=None, action=Action.READ, object_type="support_home")
    return TemplateResponse(request, "support/home.html", {"links": links, "waiting": waiting, **_crisis(request)})


@require_POST
@role_required(Role.SUPPORT)
def support_accept(request: AuthedRequest, pk: int) -> HttpResponse:
    link = get_waiting_link_for_supporter(request, pk)
    try:
        services.link_accept_existing(link=link, user=request.user)
    except services.SupportError as error:
        messages.error(request, str(error))
        return redirect("support_home")
    messages.success(
        request,
        _("Thank you. You now see what %(first_name)s chooses to share.") % {"first_name": link.client.user.first_name},
    )
    return redirect("supporting", link.pk)


@role_required(Role.SUPPORT)
def supporting(request: AuthedRequest, pk: int) -> HttpResponse:
    link = get_link_for_supporter(request, pk, action=Action.CREATE if request.method == "POST" else Action.READ)
    form = EncouragementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.encouragement_send(link=link, actor=request.user, **form.cleaned_data)
        except services.SupportError as error:
            form.add_error("text", str(error))
        else:
            messages.success(
                request,
                _("Sent. %(first_name)s will see it on their Today page.")
                % {"first_name": link.client.user.first_name},
            )
            return redirect("supporting", link.pk)
    view = shared_view(link.client, Scope.of(link, _policy(link.client)), paused=link.is_paused)
    context = {"link": link, "view": view, "form": form, **_crisis(request)}
    return TemplateResponse(request, "support/supporting.html", context)


@role_required(Role.SUPPORT)
def support_worried(request: AuthedRequest) -> HttpResponse:
    return TemplateResponse(request, "support/worried.html", _crisis(request))


# --- The therapist -------------------------------------------------------------------------------------------------


@role_required(Role.THERAPIST)
def client_support(request: AuthedRequest, client_id: int) -> HttpResponse:
    write = request.method == "POST"
    client = get_client_for_therapist(request, client_id, action=Action.UPDATE if write else Action.READ)
    links = SupportLink.objects.current().filter(client=client).select_related("invitation")
    links = links.prefetch_related("assignments__template_version")
    which = request.POST.get("form") if write else None
    policy_form = PolicyForm(request.POST if which == "policy" else None, initial=policy_initial(_policy(client)))
    invite_form = GuardianForm(request.POST if which == "invite" else None)
    suggest_form = SuggestScopeForm(request.POST if which == "suggest" else None, links=links)
    if policy_form.is_bound and policy_form.is_valid():
        services.policy_set(therapist=request.user, client=client, **policy_form.cleaned_data)
        messages.success(request, _("Saved. The client sees this on their support page."))
        return redirect("client_support", client.user_id)
    if suggest_form.is_bound and suggest_form.is_valid():
        services.scope_suggest(**suggest_form.cleaned_data)
        messages.success(request, _("Suggested. The client sees it beside what they share, and decides."))
        return redirect("client_support", client.user_id)
    if invite_form.is_bound and invite_form.is_valid() and _therapist_invites(request, client, invite_form):
        return redirect("client_support", client.user_id)
    context = {
        "client": client,
        "links": links,
        "policy_form": policy_form,
        "invite_form": invite_form,
        "suggest_form": suggest_form,
    }
    return TemplateResponse(request, "support/therapist.html", context)


def policy_initial(policy: SupportPolicy | None) -> dict:
    if policy is None:
        return {}
    return {"is_minor": policy.is_minor, "min_days": policy.min_days, "min_completion": policy.min_completion}


def _therapist_invites(request: AuthedRequest, client: Membership, form: GuardianForm) -> bool:
    data = form.cleaned_data
    policy = _policy(client)
    try:
        if data["guardian"]:
            if policy is None or not policy.is_minor:
                raise services.SupportError(_("Mark the client as a minor first; otherwise suggest a support person."))
            services.link_invite(
                client=client, actor=request.user, name=data["name"], email=data["email"], is_guardian=True
            )
        else:
            services.link_suggest(therapist=request.user, client=client, name=data["name"], email=data["email"])
    except services.SupportError as error:
        form.add_error("email", str(error))
        return False
    if data["guardian"]:
        done = _("%(name)s invited; the client is told on their support page.")
    else:
        done = _("%(name)s suggested to the client.")
    messages.success(request, done % {"name": data["name"]})
    return True


@require_POST
@role_required(Role.THERAPIST)
def guardian_resend(request: AuthedRequest, pk: int) -> HttpResponse:
    """Send a guardian's waiting (or expired) invitation again: a new link for 7 days, the old one dead."""
    link = get_guardian_link_for_therapist(request, pk)
    try:
        services.link_send_invitation(link=link, actor=request.user)
    except services.SupportError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("A new invitation is on its way to %(name)s; the earlier link no longer works.") % {"name": link.name},
        )
    return redirect("client_support", link.client.user_id)


@require_POST
@role_required(Role.THERAPIST)
def guardian_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    """Withdraw a guardian's waiting invitation, or end an accepted guardian's access; the client is told."""
    link = get_guardian_link_for_therapist(request, pk, action=Action.DELETE)
    waiting = not link.accepted
    services.link_remove(link=link, actor=request.user)
    done = f"The invitation to {link.name} was withdrawn." if waiting else f"{link.name} no longer sees anything."
    messages.success(request, _("%(done)s The client is told on their Today and support pages.") % {"done": done})
    return redirect("client_support", link.client.user_id)
