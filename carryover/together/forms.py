"""Forms of the review conversation: a step's decision and confidence, and the client's own confidence check."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carryover.homework.models import Format

from .models import Adjustment, Decision
from .services import StepInput

RATINGS = [(str(n), str(n)) for n in range(11)]


class StepForm(forms.Form):
    decision = forms.ChoiceField(
        choices=Decision.choices,
        widget=forms.RadioSelect,
        label=_("What did you agree?"),
        error_messages={
            "required": _("Please choose what you agreed."),
            "invalid_choice": _("Please choose what you agreed."),
        },
    )
    learned = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("What we learned, and why this decision"),
        help_text=_("Short and in plain words: the client reads it as the “why” in their copy of what you agreed."),
    )
    confidence = forms.IntegerField(
        min_value=0,
        max_value=10,
        required=False,
        label=_("How sure is the client they'll do this? (0–10)"),
        help_text=_("Ask before agreeing a new or changed activity. Below 7, you'll see what usually helps."),
        error_messages={
            "min_value": _("Confidence is a number from 0 to 10."),
            "max_value": _("Confidence is a number from 0 to 10."),
            "invalid": _("Confidence is a number from 0 to 10."),
        },
    )
    adjustment = forms.ChoiceField(
        choices=Adjustment.choices,
        required=False,
        widget=forms.RadioSelect,
        label=_("What you changed to make it likelier"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, decisions=None, low: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        decision = self.fields["decision"]
        assert isinstance(decision, forms.ChoiceField)
        if decisions is not None:
            decision.choices = [(d.value, d.label) for d in decisions]
            if len(decisions) == 1:
                decision.initial, decision.widget = decisions[0].value, forms.HiddenInput()
        if not low:  # the adjustments are offered once a rating below 7 was given
            del self.fields["adjustment"]

    def step_input(self, plan=None) -> StepInput:
        c = self.cleaned_data
        return StepInput(
            decision=c["decision"],
            learned=c.get("learned", ""),
            confidence=c.get("confidence"),
            adjustment=c.get("adjustment", ""),
            plan=plan,
        )


class ClientConfidenceForm(forms.Form):
    rating = forms.ChoiceField(
        choices=[*RATINGS, ("skip", "I'd rather not say")],
        widget=forms.RadioSelect,
        label=_("How sure are you that you'll do this? (0 = not at all, 10 = completely)"),
        error_messages={
            "required": _("Please choose a number from 0 to 10."),
            "invalid_choice": _("Please choose a number from 0 to 10."),
        },
    )
    adjustment = forms.ChoiceField(
        choices=Adjustment.choices, required=False, widget=forms.RadioSelect, label=_("What would make it easier?")
    )
    note = forms.CharField(
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Anything to add? (optional)"),
    )

    def __init__(self, *args, low: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not low:  # what would make it easier is asked only after a rating below 7
            del self.fields["adjustment"]

    def rating_value(self) -> int | None:
        rating = self.cleaned_data["rating"]
        return None if rating == "skip" else int(rating)


class ClientChangeForm(forms.Form):
    """When (an existing routine to hang it on) and how (the ways to answer the worksheet allows): what a client may
    change themselves after saying below 7."""

    if_when = forms.CharField(
        max_length=200,
        required=False,
        label=_("After I… (something you already do every day)"),
        help_text=_("For example “after my morning coffee” or “when I get home from work”."),
    )
    if_then = forms.CharField(max_length=200, required=False, label=_("I will…"))
    formats = forms.MultipleChoiceField(
        choices=Format.choices,
        widget=forms.CheckboxSelectMultiple,
        label=_("Ways to answer"),
        error_messages={
            "required": _("Please choose at least one way to answer."),
            "invalid_choice": _("Please choose from the ways listed."),
        },
    )

    def __init__(self, *args, allowed_formats=(), **kwargs):
        super().__init__(*args, **kwargs)
        formats = self.fields["formats"]
        assert isinstance(formats, forms.MultipleChoiceField)
        # As the assignment form: a worksheet without a list of formats takes every way.
        choices = [c for c in Format.choices if not allowed_formats or c[0] in allowed_formats]
        formats.choices = choices
        if len(choices) < 2:  # nothing to choose between
            del self.fields["formats"]

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}
