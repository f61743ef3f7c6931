"""Pages for people and practices: the home redirect, invitations (send, resend, revoke, accept, ask for a new
link), practice settings and crisis lines, the profile and devices, "Need help now?", and the session ping."""

from typing import Any

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carryover.lib.devicecache import clear_device, keep_offline
from carryover.lib.extensions import panels_for
from carryover.lib.i18n import language_for, language_from_browser
from carryover.lib.recovery import recovered_initial
from carryover.lib.types import AuthedRequest

from . import crisis, services
from .access import (
    get_invitation_for_user,
    get_practice_for_admin,
    has_second_factor,
    role_required,
)
from .devices import devices_active, devices_sign_out_others
from .forms import (
    AcceptInvitationForm,
    CountryChangeForm,
    CrisisResourceFormSet,
    DisplayForm,
    InviteClientForm,
    InviteStaffForm,
    PracticeSettingsForm,
    ProfileForm,
    RequestNewLinkForm,
)
from .models import CLINICIAN_ROLES, InvitationStatus, Practice, Role

HOME_FOR_ROLE: dict[str | None, str] = {
    Role.CLIENT: "client_home",
    Role.THERAPIST: "caseload",
    Role.ADMIN: "practice_home",
    Role.SUPPORT: "support_home",
}


def home(request: AuthedRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("account_login")
    role = request.user.role
    target = HOME_FOR_ROLE.get(role)
    if target is None:
        return TemplateResponse(request, "accounts/no_role.html")
    return redirect(target)


@role_required(Role.THERAPIST)
def invite_client(request: AuthedRequest) -> HttpResponse:
    return _invite(request, InviteClientForm, role=Role.CLIENT, done="caseload")


@role_required(Role.ADMIN)
def invite_staff(request: AuthedRequest) -> HttpResponse:
    return _invite(request, InviteStaffForm, role=None, done="practice_home")


def _invite(request: AuthedRequest, form_class, *, role, done: str) -> HttpResponse:
    form = form_class(request.POST or None, initial=recovered_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                inviter=request.user,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                role=role or form.cleaned_data["role"],
            )
        except services.InvitationError as error:
            form.add_error("email", str(error))
        else:
            # The worker sends it; the invitations list shows whether it went out.
            messages.success(
                request, _("Invitation to %(email)s created; the email is on its way.") % {"email": invitation.email}
            )
            return redirect(done)
    return TemplateResponse(request, "accounts/invite.html", {"form": form, "role": role})


@require_POST
@role_required(Role.THERAPIST, Role.ADMIN)
def invitation_resend(request: AuthedRequest, pk: int) -> HttpResponse:
    invitation = get_invitation_for_user(request, pk)
    try:
        services.invitation_resend(invitation=invitation, actor=request.user)
    except services.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("A new link is on its way to %(email)s; the old one no longer works.") % {"email": invitation.email},
        )
    return redirect(HOME_FOR_ROLE[request.user.role])


@require_POST
@role_required(Role.THERAPIST, Role.ADMIN)
def invitation_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    invitation = get_invitation_for_user(request, pk)
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user)
    except services.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The invitation to %(email)s was revoked.") % {"email": invitation.email})
    return redirect(HOME_FOR_ROLE[request.user.role])


def invitation_accept(request: AuthedRequest, token: str) -> HttpResponse:
    invitation = services.invitation_find(token)
    status = invitation.status() if invitation else None
    if request.user.is_authenticated or status != InvitationStatus.PENDING:
        context = {"status": status, "signed_in": request.user.is_authenticated, "form": RequestNewLinkForm()}
        return TemplateResponse(request, "accounts/invitation_unusable.html", context, status=410 if status else 404)
    assert invitation is not None  # a pending status implies an invitation
    initial = {"name": invitation.name, "language": language_from_browser(request)}
    form = AcceptInvitationForm(request.POST or None, email=invitation.email, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password"],
                time_zone=form.cleaned_data["time_zone"],
                consent=form.cleaned_data["consent"],
                language=form.cleaned_data["language"],
            )
        except services.InvitationError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
            with translation.override(language_for(user)):  # the new account's language, not the browser's
                messages.success(request, _("Welcome to Carryover, %(name)s.") % {"name": user.display_name})
            return redirect("home")
    return TemplateResponse(request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form})


def invitation_request_link(request: AuthedRequest) -> HttpResponse:
    form = RequestNewLinkForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        # Per address and per client IP (ACCOUNT_RATE_LIMITS): the same answer whether or not the address is known.
        if ratelimit.consume(request, action="invitation_new_link", key=email):
            services.invitation_request_new(email=email)
            return TemplateResponse(request, "accounts/invitation_requested.html")
        form.add_error(
            None, _("Too many requests for a new link. Please try again in an hour, or contact your practice.")
        )
        status = 429
    return TemplateResponse(request, "accounts/invitation_unusable.html", {"status": None, "form": form}, status=status)


@role_required(Role.ADMIN)
def practice_home(request: AuthedRequest) -> HttpResponse:
    practice = get_practice_for_admin(request)
    members = practice.memberships.select_related("user").order_by("role", "user__name", "user__email")
    invitations = practice.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    context = {"practice": practice, "members": members, "invitations": invitations.order_by("-created_at")}
    return TemplateResponse(request, "accounts/practice_home.html", context)


@role_required(Role.ADMIN)
def practice_settings(request: AuthedRequest) -> HttpResponse:
    practice = get_practice_for_admin(request)
    stored_country = practice.country  # read first: the bound form below copies the posted country onto `practice`
    form = PracticeSettingsForm(request.POST or None, instance=practice, initial=recovered_initial(request))
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["country"] != stored_country:
            return _country_change(request, practice, form)
        try:
            services.practice_update(practice=practice, actor=request.user, **form.cleaned_data)
        except services.CountryChangeStale:  # a colleague changed the country since this page was read
            return _country_change(request, practice, form)
        messages.success(request, _("Practice settings saved."))
        return redirect("practice_home")
    return TemplateResponse(request, "accounts/practice_settings.html", {"form": form, "practice": practice})


def _country_change(request: AuthedRequest, practice: Practice, form: PracticeSettingsForm) -> HttpResponse:
    """A new country replaces the practice's crisis lines: the admin sees what will change, then confirms. The
    confirmation page carries the other settings along, so nothing is saved until then."""
    country = form.cleaned_data["country"]
    plan = services.country_change_plan(practice=practice, country=country)
    initial = {"confirm_country": country, "fingerprint": plan.fingerprint}
    posted = request.POST if request.POST.get("confirm_country") == country else None
    confirm = CountryChangeForm(posted, own=plan.own, initial=initial)
    if confirm.is_bound and confirm.is_valid():
        try:
            services.practice_update(
                practice=practice,
                actor=request.user,
                **form.cleaned_data,
                keep=confirm.cleaned_data["keep"],
                confirmed=confirm.cleaned_data["fingerprint"],
            )
        except services.CountryChangeStale as error:
            messages.error(request, str(error))
            confirm = CountryChangeForm(own=plan.own, initial=initial)
        else:
            messages.success(
                request,
                _("Practice settings saved. Clients now see the crisis lines for %(country)s.")
                % {"country": plan.label},
            )
            return redirect("practice_home")
    context = {"form": form, "confirm": confirm, "plan": plan, "practice": practice}
    return TemplateResponse(request, "accounts/practice_country.html", context)


@role_required(Role.ADMIN)
def practice_crisis_resources(request: AuthedRequest) -> HttpResponse:
    practice = get_practice_for_admin(request)
    formset = CrisisResourceFormSet(request.POST or None, queryset=practice.crisis_resources.all())
    if request.method == "POST" and formset.is_valid():
        services.crisis_resources_save(practice=practice, formset=formset)
        messages.success(request, _("Crisis resources saved. Clients see them under “Need help now?”."))
        return redirect("practice_crisis_resources")
    return TemplateResponse(request, "accounts/practice_crisis.html", {"formset": formset, "practice": practice})


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    user = request.user
    initial = recovered_initial(request) or {"name": user.name, "time_zone": user.time_zone, "language": user.language}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.profile_update(user=user, name=data["name"], time_zone=data["time_zone"], language=data["language"])
        with translation.override(language_for(user)):  # said in the language just chosen
            messages.success(request, _("Your details were saved."))
        return redirect("profile")
    devices = devices_active(user=user, current_session_key=request.session.session_key)
    display = DisplayForm(initial={"theme": user.theme, "text_size": user.text_size})
    return TemplateResponse(request, "accounts/profile.html", {"form": form, "devices": devices, "display": display})


@require_POST
@login_required
def display_preferences(request: AuthedRequest) -> HttpResponse:
    """The account page's "How pages look": a theme and a text size, kept on the account for every device."""
    form = DisplayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose one of the colours and one of the text sizes shown."))
        return redirect("profile")
    services.display_update(user=request.user, **form.cleaned_data)
    messages.success(request, _("Saved. Pages now look the way you chose."))
    return redirect("profile")


@require_POST
@login_required
def sign_out_other_devices(request: AuthedRequest) -> HttpResponse:
    ended = devices_sign_out_others(user=request.user, current_session_key=request.session.session_key)
    if ended:
        messages.success(request, _("You were signed out on your other devices. This one stays signed in."))
    else:
        messages.info(request, _("You weren't signed in on any other device."))
    return redirect("profile")


@keep_offline
def help_now(request: AuthedRequest) -> HttpResponse:
    membership = request.user.membership_or_none if request.user.is_authenticated else None
    context: dict[str, Any]
    if membership is not None:
        practice = membership.practice
        context = {"country": practice.get_country_display(), "resources": practice.crisis_resources.all()}
    else:
        code = crisis.country_for_visitor(
            asked=request.GET.get("country", ""), accept_language=request.headers.get("accept-language", "")
        )
        others = [(other, defaults.label) for other, defaults in crisis.DEFAULTS.items() if other != code]
        context = {
            "country": crisis.DEFAULTS[code].label,
            "resources": crisis.default_resources(code),
            "others": others,
        }
    context["panels"] = panels_for("help", request=request, membership=membership)
    return TemplateResponse(request, "accounts/help.html", context)


@login_required
def mfa_required(request: AuthedRequest) -> HttpResponse:
    if request.user.role not in CLINICIAN_ROLES or has_second_factor(request.user):
        return redirect("home")
    return TemplateResponse(request, "accounts/mfa_required.html")


@require_POST
@login_required
def session_ping(request: AuthedRequest) -> HttpResponse:
    # SessionLimitsMiddleware has already counted this request as activity.
    return HttpResponse(status=204)


def sign_out(request: HttpRequest) -> HttpResponse:
    """allauth's sign-out, and the browser told to drop this site's caches and stored data: the installed app's
    copies of pages and any answers kept on the phone (`lib/devicecache.py`)."""
    from allauth.account.views import logout

    response = logout(request)
    return clear_device(response) if request.method == "POST" else response
