"""The account page's personal access tokens: create (the secret is shown once), list, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from carryover.lib.types import AuthedRequest

from . import services
from .forms import TokenForm
from .models import ApiToken
from .problems import Problem, problem_response


@login_required
def tokens(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _, secret = services.token_create(user=request.user, **form.cleaned_data)
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
        messages.success(request, "Token revoked. Anything using it stops working now.")
    return redirect("api_tokens")


def api_not_found(request: AuthedRequest) -> HttpResponse:
    """Any other address under /api/: the API's own 404 (nothing of the path is echoed back)."""
    detail = "There is no such operation: see /api/v1/docs for the ones there are."
    return problem_response(request, Problem(404, detail, code="not_found"))
