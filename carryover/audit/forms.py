"""The audit log page's filter form: dates, the person (by email), the action and the outcome."""

from datetime import date, datetime, time, timedelta

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carryover.accounts.models import User
from carryover.lib.widgets import DateInput

from .models import Action, Outcome

# A day past the last date would overflow; nothing in the log is that old or that new.
SENSIBLE_DATES = [MinValueValidator(date(2000, 1, 1)), MaxValueValidator(date(2999, 12, 31))]


class AuditFilterForm(forms.Form):
    start = forms.DateField(required=False, label=_("From"), widget=DateInput(), validators=SENSIBLE_DATES)
    end = forms.DateField(required=False, label=_("To"), widget=DateInput(), validators=SENSIBLE_DATES)
    person = forms.EmailField(required=False, label=_("Person (email)"), max_length=254)
    action = forms.ChoiceField(required=False, label=_("Action"), choices=[("", _("Any")), *Action.choices])
    outcome = forms.ChoiceField(required=False, label=_("Outcome"), choices=[("", _("Any")), *Outcome.choices])

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            self.add_error("end", _("“To” must be on or after “From”."))
        return cleaned

    def apply(self, events: QuerySet, *, practice_id: int) -> QuerySet:
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        if data.get("start"):
            events = events.filter(at__gte=datetime.combine(data["start"], time.min, zone))
        if data.get("end"):
            events = events.filter(at__lt=datetime.combine(data["end"] + timedelta(days=1), time.min, zone))
        if data.get("person"):
            # Only this practice's people can be looked up: a foreign email must not confirm that it exists.
            members = User.objects.filter(membership__practice_id=practice_id, email__iexact=data["person"])
            person = members.values_list("pk", flat=True).first()
            events = events.filter(actor_id=person) | events.filter(client_id=person) if person else events.none()
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("outcome"):
            events = events.filter(outcome=data["outcome"])
        return events
