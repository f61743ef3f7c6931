"""The form of My entries: which activity, which month, and words to look for (all optional)."""

from __future__ import annotations

from datetime import date

from django import forms

from carryover.accounts.models import Membership
from carryover.homework.models import Assignment

from .access import own_entries
from .search import MAX_SEARCH

ON_MY_OWN = "own"  # skills practised without an assignment


class EntryFilterForm(forms.Form):
    activity = forms.ChoiceField(
        required=False,
        label="Activity",
        error_messages={"invalid_choice": "That isn't one of your activities, so entries of all of them are shown."},
    )
    month = forms.ChoiceField(
        required=False,
        label="Month",
        error_messages={"invalid_choice": "You have no entries in that month, so every month is shown."},
    )
    q = forms.CharField(
        required=False,
        max_length=MAX_SEARCH,
        label="Words you wrote",
        help_text="Only you can search your entries.",
        error_messages={
            "max_length": "Please search for %(limit_value)d characters at most (this has %(show_value)d). "
            "A few words you remember work best."
        },
    )

    def __init__(self, data, *, client: Membership, work_singular: str = "activity") -> None:
        super().__init__(data)
        assignments = Assignment.objects.filter(client=client).activities().order_by("-created_at")
        titles = [(str(a.pk), a.title) for a in assignments]
        activity = self.fields["activity"]
        assert isinstance(activity, forms.ChoiceField)
        activity.label = work_singular.capitalize()
        activity.choices = [("", "All"), *titles, (ON_MY_OWN, "Skills practised on my own")]
        months = own_entries(client).dates("done_on", "month", order="DESC")
        month = self.fields["month"]
        assert isinstance(month, forms.ChoiceField)
        month.choices = [("", "All"), *((f"{m:%Y-%m}", f"{m:%B %Y}") for m in months)]

    def month_start(self) -> date | None:
        value = self.cleaned_data.get("month") if hasattr(self, "cleaned_data") else ""
        return date.fromisoformat(f"{value}-01") if value else None
