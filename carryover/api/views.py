"""The account page's personal access tokens: create (the secret is shown once), list, revoke; and the practice
admin's webhooks page: endpoints (the signing secret shown once), adding, turning off, each one's delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carryover.accounts.access import get_practice_for_admin, role_required
from carryover.accounts.models import Role
from carryover.audit.models import Action
from carryover.lib.types import AuthedRequest

from . import services
from .access import get_webhook_for_admin
from .forms import TokenForm, WebhookForm
from .models import ApiToken, WebhookDelivery, WebhookEndpoint
from .problems import Problem, problem_response


@login_required
def tokens(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.token_create(user=request.user, **form.cleaned_data)
        except services.TokenRefused as refused:
            messages.error(request, str(refused))
            return redirect("mfa_index")
        # Shown once, on the page the redirect lands on (the session is encrypted, lib/sessions.py): a reload
        # neither shows it again nor makes another token, as the calendar feed's new address does.
        request.session["new_api_token"] = secret
        return redirect("api_tokens")
    secret = request.session.pop("new_api_token", None)
    rows = ApiToken.objects.filter(user=request.user)
    response = TemplateResponse(request, "api/tokens.html", {"form": form, "tokens": rows, "secret": secret})
    response["Cache-Control"] = "no-store"  # the page showing a new secret must not be kept anywhere
    return response


@require_POST
@login_required
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    if services.token_revoke(user=request.user, pk=pk):
        messages.success(request, _("Token revoked. Anything using it stops working now."))
    return redirect("api_tokens")


def api_not_found(request: AuthedRequest) -> HttpResponse:
    """Any other address under /api/: the API's own 404 (nothing of the path is echoed back)."""
    detail = "There is no such operation: see /api/v1/docs for the ones there are."
    return problem_response(request, Problem(404, detail, code="not_found"))


# --- Webhooks, for the practice admin (the same form and services as /api/v1/practice/webhooks) -------------------


@role_required(Role.ADMIN)
def webhooks_page(request: AuthedRequest) -> HttpResponse:
    practice = get_practice_for_admin(request, action=Action.CREATE if request.method == "POST" else Action.READ)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint = services.webhook_create(practice=practice, created_by=request.user, **form.cleaned_data)
        request.session["new_webhook_secret"] = endpoint.secret  # shown once, as a new token is
        messages.success(request, _("Endpoint added. Copy its signing secret now: it is not shown again."))
        return redirect("webhooks")
    secret = request.session.pop("new_webhook_secret", None)
    endpoints = WebhookEndpoint.objects.filter(practice=practice, deleted_at__isnull=True)
    context = {"form": form, "endpoints": endpoints, "secret": secret}
    response = TemplateResponse(request, "api/webhooks.html", context)
    response["Cache-Control"] = "no-store"
    return response


@role_required(Role.ADMIN)
def webhook_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    endpoint = get_webhook_for_admin(request, pk)
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).select_related("event").order_by("-pk")
    context = {"endpoint": endpoint, "deliveries": deliveries[:DELIVERIES_SHOWN], "shown": DELIVERIES_SHOWN}
    return TemplateResponse(request, "api/webhook_detail.html", context)


@require_POST
@role_required(Role.ADMIN)
def webhook_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    endpoint = get_webhook_for_admin(request, pk, action=Action.DELETE)
    services.webhook_remove(endpoint=endpoint)
    messages.success(request, _("Turned off: nothing more is sent to it. Its delivery log is kept."))
    return redirect("webhooks")


DELIVERIES_SHOWN = 100
