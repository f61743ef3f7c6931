"""The account page's form for a new personal access token."""

from __future__ import annotations

from django import forms

from .models import Area

EXPIRY_CHOICES = [(7, "7 days"), (30, "30 days"), (90, "90 days"), (365, "1 year")]


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="What is it for?", help_text="For example “Practice EHR sync”.")
    areas = forms.MultipleChoiceField(
        choices=Area.choices, widget=forms.CheckboxSelectMultiple, label="What it may reach"
    )
    can_write = forms.BooleanField(
        required=False, label="Allow changes", help_text="Without this, the token can only read."
    )
    days = forms.TypedChoiceField(choices=EXPIRY_CHOICES, coerce=int, initial=90, label="Expires after")
