"""The forms of the client's own pages: which activity (both pages), which month and words to look for (My entries),
how far back (My patterns). All optional: a choice that isn't one of the client's own is said so, and ignored."""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from django import forms
from django.db.models import QuerySet
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _

from carryover.accounts.models import WORK_WORDS, Membership
from carryover.homework.models import Assignment, Entry

from .access import own_entries
from .patterns_page import DEFAULT_PERIOD, PERIODS
from .search import MAX_SEARCH

ON_MY_OWN = "own"  # skills practised without an assignment


class ActivityForm(forms.Form):
    """Which of the client's own activities (or the skills they practised on their own); empty is all of them."""

    activity = forms.ChoiceField(
        required=False,
        label=_("Activity"),
        error_messages={"invalid_choice": _("That isn't one of your activities, so entries of all of them are shown.")},
    )

    def __init__(self, data, *, client: Membership) -> None:
        super().__init__(data)
        assignments = (
            Assignment.objects.filter(client=client)
            .activities()
            .select_related("template_version__template")
            .order_by("-created_at")
        )
        activity = self.fields["activity"]
        assert isinstance(activity, forms.ChoiceField)
        activity.label = WORK_WORDS[client.practice.terminology][0].capitalize()
        activity.choices = [
            ("", _("All")),
            *((str(a.pk), a.title) for a in assignments),
            (ON_MY_OWN, _("Skills on my own")),
        ]

    def foreign_activity(self) -> str | None:
        """The id asked for, when it named an activity that isn't the client's (to be audited as a refusal)."""
        asked = str(self.data.get("activity", ""))
        return asked[:64] if "activity" in self.errors and asked.isdigit() else None

    def narrow(self, entries: QuerySet[Entry]) -> QuerySet[Entry]:
        activity = self.cleaned_data.get("activity")
        if activity == ON_MY_OWN:
            return entries.filter(assignment__isnull=True)
        return entries.filter(assignment_id=int(activity)) if activity else entries


class EntryFilterForm(ActivityForm):
    month = forms.ChoiceField(
        required=False,
        label=_("Month"),
        error_messages={"invalid_choice": _("You have no entries in that month, so every month is shown.")},
    )
    q = forms.CharField(
        required=False,
        max_length=MAX_SEARCH,
        label=_("Words you wrote"),
        help_text=_("Only you can search your entries."),
        error_messages={
            "max_length": _(
                "Please search for %(limit_value)d characters at most (this has %(show_value)d). A few words you "
                "remember work best."
            )
        },
    )

    def __init__(self, data, *, client: Membership) -> None:
        super().__init__(data, client=client)
        months = own_entries(client).dates("done_on", "month", order="DESC")
        month = self.fields["month"]
        assert isinstance(month, forms.ChoiceField)
        month.choices = [("", _("All")), *((f"{m:%Y-%m}", date_format(m, "F Y")) for m in months)]

    def narrow(self, entries: QuerySet[Entry]) -> QuerySet[Entry]:
        entries = super().narrow(entries)
        value = self.cleaned_data.get("month")
        if not value:
            return entries
        start = date.fromisoformat(f"{value}-01")
        return entries.filter(
            done_on__gte=start, done_on__lte=start.replace(day=monthrange(start.year, start.month)[1])
        )


class PatternsForm(ActivityForm):
    period = forms.ChoiceField(
        required=False,
        label=_("Looking at"),
        choices=[(key, label) for key, (label, _) in PERIODS.items()],
        error_messages={"invalid_choice": _("Please choose how far back to look; the last 12 weeks are shown.")},
    )

    def chosen_period(self) -> str:
        return self.cleaned_data.get("period") or DEFAULT_PERIOD
