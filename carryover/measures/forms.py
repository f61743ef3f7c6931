"""Forms of the measures pages: the safety plan, resolving a risk alert, and the practice's safety settings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carryover.accounts.models import Practice, Role, User

from .models import SafetySettings
from .services import SAFETY_PLAN_SECTIONS


class SafetyPlanForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label, help_text in SAFETY_PLAN_SECTIONS:
            self.fields[key] = forms.CharField(
                label=label,
                help_text=help_text,
                required=False,
                max_length=3000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )


class ResolveAlertForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: called the client, reviewed the safety plan, agreed next contact."),
    )


class SafetySettingsForm(forms.ModelForm):
    class Meta:
        model = SafetySettings
        fields = ["designated_contact", "escalation_minutes"]
        labels = {"escalation_minutes": "Minutes before escalating"}

    def __init__(self, *args, practice: Practice, **kwargs):
        super().__init__(*args, **kwargs)
        contact = self.fields["designated_contact"]
        assert isinstance(contact, forms.ModelChoiceField)
        contact.queryset = User.objects.filter(
            membership__practice=practice, membership__role__in=[Role.THERAPIST, Role.ADMIN], is_active=True
        ).order_by("name", "email")
        contact.empty_label = _("No one (the practice admins are told)")

    def clean_escalation_minutes(self) -> int:
        value = self.cleaned_data["escalation_minutes"]
        if not 5 <= value <= 7 * 24 * 60:
            raise forms.ValidationError(_("Please choose between 5 minutes and 7 days (10080 minutes)."))
        return value
