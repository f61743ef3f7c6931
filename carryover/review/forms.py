"""Forms of the review pages: a session and the next one, the summary's date window, the review settings."""

from __future__ import annotations

import datetime
from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carryover.lib.widgets import DateInput

from .windows import EARLIEST, LATEST, ChosenDates


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Date of the session"), widget=DateInput())
    note = forms.CharField(
        label=_("Short note (optional)"),
        required=False,
        max_length=200,
        help_text=_("A few words, not clinical notes: for example “reviewed exposure, set step 3”."),
    )
    next_date = forms.DateField(label=_("Next session (optional)"), required=False, widget=DateInput())

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_date(self) -> datetime.date:
        day = self.cleaned_data["date"]
        # A day's grace: the therapist's today may be the client's tomorrow.
        if day > self.today + timedelta(days=1):
            raise forms.ValidationError(
                _("A session is recorded once it has happened; put a future one in “Next session”.")
            )
        return day

    def clean(self):
        cleaned = super().clean() or {}
        day, next_day = cleaned.get("date"), cleaned.get("next_date")
        if day and next_day and next_day <= day:
            self.add_error("next_date", _("The next session has to be after this one."))
        return cleaned


class NextSessionForm(forms.Form):
    """Rebook or cancel the next session booked at the latest recorded one."""

    REBOOK, CANCEL = "rebook", "cancel"  # the value of the button pressed ("action")
    next_date = forms.DateField(label=_("New date for the next session"), required=False, widget=DateInput())

    def __init__(self, *args, latest: datetime.date | None, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.latest, self.today = latest, today

    def clean(self):
        cleaned = super().clean() or {}
        if self.latest is None:
            raise forms.ValidationError(_("Record a session first: the next one is booked with it."))
        action = self.data.get("action") or self.REBOOK
        if action not in (self.REBOOK, self.CANCEL):
            raise forms.ValidationError(_("Please choose to rebook or to cancel the next session."))
        if action == self.CANCEL:
            cleaned["next_date"] = None
            return cleaned
        day = cleaned.get("next_date")
        if day is None and "next_date" not in self.errors:
            self.add_error("next_date", _("Please choose the new date, or cancel the next session."))
        elif day is not None and day <= max(self.latest, self.today - datetime.timedelta(days=1)):
            self.add_error("next_date", _("The next session has to be after the last one, and not in the past."))
        return cleaned


class IsoDateField(forms.DateField):
    """A date as the date picker sends it (ISO 8601), within the years a window can cover."""

    widget = DateInput()

    def to_python(self, value: Any) -> datetime.date | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            raise forms.ValidationError(_("Not a date."), code="invalid") from None
        if not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(_("Out of range."), code="far")
        return day


class WindowForm(forms.Form):
    """The review window's dates from the query string. Nothing here is an error to the therapist: `chosen()`
    sets aside what cannot be read and says so, and windows.window_for shows the default range instead."""

    start = IsoDateField(label=_("From"), required=False)
    end = IsoDateField(label=_("To"), required=False)

    def chosen(self) -> ChosenDates:
        if self.is_valid():
            return ChosenDates(self.cleaned_data["start"], self.cleaned_data["end"])
        codes = {error.code for errors in self.errors.as_data().values() for error in errors}
        if "invalid" in codes:
            return ChosenDates(
                note=gettext(
                    "One of the dates wasn't a date we could read (use the date picker, or YYYY-MM-DD), so the "
                    "default range is shown."
                )
            )
        return ChosenDates(
            note=gettext("Dates go from %(first)s to %(last)s, so the default range is shown.")
            % {"first": EARLIEST.year, "last": LATEST.year}
        )


class ReviewSettingsForm(forms.Form):
    quiet_days = forms.IntegerField(
        label=_("Flag a client as quiet after this many days without activity"),
        min_value=2,
        max_value=60,
        help_text=_("Shown on therapists' caseloads as “Quiet for N days”. Between 2 and 60."),
    )
