"""How it went (`o-…` inputs) and the quick questions afterwards (`a-…`): two Django forms, whose prefixes and
fields are the one definition of those input names.

A draft keeps whatever was typed, right or wrong (services.draft_save), so these forms read the draft's raw values
as well as a POST: the flow shows their errors on each step, and services.entry_submit refuses an entry with them.
Only what the chosen outcome asks for is checked: a fraction for partial effort, what got in the way for partial
and skipped. Anything typed for another outcome stays in the draft, unused, in case the client changes their mind.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _

from .models import PARTIAL_FRACTIONS, BarrierCode, Outcome, Visibility

RATING_ERROR = "Please choose a number from 0 to 10."
MINUTES_ERROR = "Please enter the minutes as a whole number (up to 1440)."
TICKED = ("on", "1", "true")  # what a checkbox sends, and what an older draft may hold


class _Text(forms.Field):
    """What was sent, as text (`str(value or "")`), optional. Unlike CharField it adds no validator of its own, so
    every wrong value gets this form's message for that input."""

    def __init__(self, *, strip: bool = True) -> None:
        super().__init__(required=False)
        self.strip = strip

    def to_python(self, value: Any) -> str:
        text = str(value or "")
        return text.strip() if self.strip else text


class _NamedErrors(forms.Form):
    def named_errors(self) -> dict[str, str]:
        """Each wrong input's first message, by the input's full name (`o-fraction`), as the templates show them."""
        return {self.add_prefix(name): str(messages[0]) for name, messages in self.errors.items()}


class OutcomeForm(_NamedErrors):
    prefix = "o"
    outcome = _Text(strip=False)
    fraction = _Text(strip=False)
    barriers = forms.Field(required=False, widget=forms.MultipleHiddenInput)  # checked in clean(), by outcome
    barrier_other = _Text()
    barrier_spoken = _Text()  # the id of a voice note given for it (flow.BARRIER_SPOKEN), checked when sent

    def clean(self) -> dict[str, Any]:
        """`outcome`, `fraction` (a Decimal or None), `barriers` (codes in their stable order), `barrier_other`.
        With an unknown outcome nothing else is checked; with a known one, `outcome` is kept even when another
        input is wrong (the entry still knows what is asked of it)."""
        outcome = self.cleaned_data.get("outcome") or ""
        if outcome not in Outcome.values:
            self.add_error("outcome", _("Please say how it went."))
            return {}
        fraction = self._fraction() if outcome == Outcome.PARTIAL else None
        barriers = (
            self._barriers() if outcome != Outcome.DONE else {"barriers": [], "barrier_other": "", "barrier_spoken": ""}
        )
        return {"outcome": outcome, "fraction": fraction, **barriers}

    def _fraction(self) -> Decimal | None:
        fraction = self.cleaned_data.get("fraction") or ""
        if fraction not in PARTIAL_FRACTIONS:
            self.add_error("fraction", _("Please choose about how much you did."))
            return None
        return Decimal(fraction)

    def _barriers(self) -> dict[str, Any]:
        barriers = [code for code in self.cleaned_data.get("barriers") or [] if code]
        if any(code not in BarrierCode.values for code in barriers):
            self.add_error("barriers", _("Please choose from the options shown."))
        other = self.cleaned_data.get("barrier_other") or ""
        if len(other) > 1000:
            self.add_error("barrier_other", _("Please keep this under 1,000 characters."))
        return {
            "barriers": [code for code in BarrierCode.values if code in barriers],  # stable order
            "barrier_other": other if BarrierCode.OTHER in barriers else "",
            # A recording is kept whichever boxes are ticked: said aloud, it is never dropped unheard.
            "barrier_spoken": self.cleaned_data.get("barrier_spoken") or "",
        }


class AfterForm(_NamedErrors):
    prefix = "a"
    minutes = _Text()
    helpful = _Text()
    hard = _Text()
    mood_before = _Text()
    mood_after = _Text()
    talk = _Text(strip=False)
    visibility = _Text(strip=False)

    def clean_minutes(self) -> int | None:
        text = self.cleaned_data["minutes"]
        if not text:
            return None
        if not text.isdigit() or int(text) > 1440:
            raise forms.ValidationError(MINUTES_ERROR)
        return int(text)

    def _rating(self, name: str) -> int | None:
        text = self.cleaned_data[name]
        if not text:
            return None
        if not text.isdigit() or not 0 <= int(text) <= 10:
            raise forms.ValidationError(RATING_ERROR)
        return int(text)

    def clean_helpful(self) -> int | None:
        return self._rating("helpful")

    def clean_hard(self) -> int | None:
        return self._rating("hard")

    def clean_mood_before(self) -> int | None:
        return self._rating("mood_before")

    def clean_mood_after(self) -> int | None:
        return self._rating("mood_after")

    def clean_talk(self) -> bool:
        return self.cleaned_data["talk"] in TICKED

    def clean_visibility(self) -> str:
        visibility = self.cleaned_data["visibility"] or Visibility.SHARED
        if visibility not in Visibility.values:
            raise forms.ValidationError(_("Please choose who can see this."))
        return visibility

    def entry_fields(self) -> dict[str, Any]:
        """The Entry's own fields, from a valid form."""
        data = self.cleaned_data
        return {
            "minutes_spent": data["minutes"],
            "helpfulness": data["helpful"],
            "difficulty": data["hard"],
            "mood_before": data["mood_before"],
            "mood_after": data["mood_after"],
            "talk_next_session": data["talk"],
            "visibility": data["visibility"],
        }


def sent_values(post: QueryDict) -> dict[str, Any]:
    """The outcome and after inputs that this POST carries, raw, for the draft. An input the page did not send is
    left out, so a step never clears another step's answers; a group of checkboxes that the page did show (it sends
    `<name>-present`) is saved even with none ticked."""
    raw: dict[str, Any] = {}
    for form in (OutcomeForm(), AfterForm()):
        for name, field in form.fields.items():
            key = form.add_prefix(name)
            if isinstance(field.widget, forms.MultipleHiddenInput):
                if key in post or post.get(f"{key}-present"):
                    raw[key] = post.getlist(key)
            elif key in post:
                raw[key] = post.get(key)
    return raw
