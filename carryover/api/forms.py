"""The account page's form for a new personal access token, and the one form for a webhook endpoint (the admin's
page and the API both check a new endpoint with it)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carryover.lib.events import EVENT_TYPES

from . import webhooks
from .models import Area

EXPIRY_CHOICES = [(7, _("7 days")), (30, _("30 days")), (90, _("90 days")), (365, _("1 year"))]


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label=_("What is it for?"), help_text=_("For example “Practice EHR sync”."))
    areas = forms.MultipleChoiceField(
        choices=Area.choices, widget=forms.CheckboxSelectMultiple, label=_("What it may reach")
    )
    can_write = forms.BooleanField(
        required=False, label=_("Allow changes"), help_text=_("Without this, the token can only read.")
    )
    days = forms.TypedChoiceField(choices=EXPIRY_CHOICES, coerce=int, initial=90, label=_("Expires after"))


class WebhookForm(forms.Form):
    url = forms.URLField(
        max_length=500,
        assume_scheme="https",
        label=_("Receiver address"),
        help_text=_("An https address that answers a POST. Private and loopback addresses are refused."),
    )
    events = forms.MultipleChoiceField(
        choices=[(kind, kind) for kind in EVENT_TYPES],
        widget=forms.CheckboxSelectMultiple,
        label=_("Events to send"),
        help_text=_("Each carries ids and its type only, never clinical text: the receiver fetches with a token."),
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            webhooks.check_url(url)  # SSRF: checked again before each delivery
        except webhooks.UnsafeUrl as unsafe:
            raise forms.ValidationError(str(unsafe)) from unsafe
        return url
