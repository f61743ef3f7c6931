"""Forms of the support pages. Choices are always the client's own (a scope can never name another client's
work); the services check again before saving."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carryover.accounts.models import Membership
from carryover.homework.models import local_today

from .models import ENCOURAGEMENT_MAX, Preset, SupportLink
from .services import ScopeChoice
from .shared import Scope, shareable_assignments, shareable_entries

NOT_YOURS = _("That isn't one of yours to share. Choose from the list.")
MAX_ID = 2**63 - 1


class InviteSupportForm(forms.Form):
    name = forms.CharField(max_length=60, label=_("Their name"), help_text=_("What you call them, e.g. “Jo”."))
    email = forms.EmailField(max_length=254, label=_("Their email address"))


class GuardianForm(InviteSupportForm):
    guardian = forms.BooleanField(
        required=False,
        label=_("Invite now as parent or guardian (for a client marked as a minor); otherwise it is a suggestion"),
    )


class PolicyForm(forms.Form):
    is_minor = forms.BooleanField(required=False, label=_("This client is a minor"))
    min_days = forms.BooleanField(required=False, label=_("A guardian always sees the days with any activity"))
    min_completion = forms.BooleanField(
        required=False, label=_("A guardian always sees whether each activity was done today")
    )


def is_id(value) -> bool:
    """A value that can be a primary key: an id past any database integer is refused before it reaches a query."""
    text = str(value)
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID


class LinkChoice(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not is_id(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class SuggestScopeForm(forms.Form):
    link = LinkChoice(
        queryset=None,
        label=_("Support person"),
        error_messages={"invalid_choice": _("Choose one of this client's support persons.")},
    )
    days = forms.BooleanField(required=False, label=_("Suggest sharing the days with any activity"))
    completion = forms.BooleanField(required=False, label=_("Suggest sharing whether each activity was done today"))

    def __init__(self, *args, links, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["link"]
        assert isinstance(field, LinkChoice)
        field.queryset = links


class ShareChoice(forms.ModelMultipleChoiceField):
    """The client's own assignments or entries; anything else, however odd, is "not one of yours"."""

    def clean(self, value):
        values = value if isinstance(value, list | tuple) else [] if value in self.empty_values else [value]
        if not all(is_id(pk) for pk in values):
            raise forms.ValidationError(NOT_YOURS, code="invalid_choice")
        return super().clean(value)

    def label_from_instance(self, obj) -> str:
        if hasattr(obj, "done_on"):
            return f"{obj.template_version.name}, {obj.done_on:%a %-d %b} ({obj.get_outcome_display().lower()})"
        return obj.template_version.name


class ScopeForm(forms.Form):
    share_days = forms.BooleanField(required=False, label=_("That I did something each day (the last 7 days)"))
    assignments = ShareChoice(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Whether I did these today (done, part, or not today; never what I wrote)"),
        error_messages={"invalid_choice": NOT_YOURS, "invalid_pk_value": NOT_YOURS},
    )
    entries = ShareChoice(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("These entries, what I wrote in them (private entries can't be shared)"),
        error_messages={"invalid_choice": NOT_YOURS, "invalid_pk_value": NOT_YOURS},
    )
    nudge_at = forms.TimeField(
        required=False,
        label=_("Nudge them by email if I haven't started by"),
        help_text=_("Leave empty for no nudges. Your quiet hours are kept."),
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"invalid": _("Please give a time like 20:00.")},
    )
    named_in_safety_plan = forms.BooleanField(
        required=False, label=_("Tell them I've named them as someone I can ask for help")
    )

    def __init__(self, *args, client: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        today = local_today(client.user)
        assignments, entries = self.fields["assignments"], self.fields["entries"]
        assert isinstance(assignments, ShareChoice) and isinstance(entries, ShareChoice)
        assignments.queryset = shareable_assignments(client)
        entries.queryset = shareable_entries(client, today).order_by("-done_on", "-submitted_at")

    @classmethod
    def initial_of(cls, link: SupportLink) -> dict:
        return {
            "share_days": link.share_days,
            "assignments": list(link.assignments.all()),
            "entries": list(link.entries.all()),
            "nudge_at": link.nudge_at,
            "named_in_safety_plan": link.named_in_safety_plan,
        }

    def choice(self) -> ScopeChoice:
        data = self.cleaned_data
        return ScopeChoice(
            share_days=data["share_days"],
            assignments=list(data["assignments"]),
            entries=list(data["entries"]),
            nudge_at=data["nudge_at"],
            named_in_safety_plan=data["named_in_safety_plan"],
        )

    def scope(self, base: Scope) -> Scope:
        """The scope as ticked, unsaved (for the live preview), keeping a guardian's minimum from `base`."""
        data = self.cleaned_data
        return Scope(
            share_days=data["share_days"],
            assignment_ids=frozenset(a.pk for a in data["assignments"]),
            entry_ids=frozenset(e.pk for e in data["entries"]),
            nudge_at=data["nudge_at"],
            named_in_safety_plan=data["named_in_safety_plan"],
            minimum_days=base.minimum_days,
            minimum_completion=base.minimum_completion,
        )


class EncouragementForm(forms.Form):
    preset = forms.ChoiceField(
        choices=[("", _("Write my own")), *Preset.choices],
        required=False,
        widget=forms.RadioSelect,
        label=_("Send a kind word"),
        error_messages={"invalid_choice": _("Please choose one of the messages.")},
    )
    text = forms.CharField(
        required=False,
        label=_("Or in your own words"),
        # No max_length here: a long text gets the service's message saying how long it is.
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": ENCOURAGEMENT_MAX}),
        help_text=_("Up to %(ENCOURAGEMENT_MAX)s characters, plain words.") % {"ENCOURAGEMENT_MAX": ENCOURAGEMENT_MAX},
    )
