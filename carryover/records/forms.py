"""Forms of the records pages: a legal hold's reason, and the practice's retention period."""

from django import forms
from django.utils.translation import gettext_lazy as _


class HoldForm(forms.Form):
    hold = forms.BooleanField(required=False, label=_("Place a legal hold (stops erasure until lifted)"))
    reason = forms.CharField(
        required=False,
        max_length=200,
        label=_("Reason"),
        help_text=_("Non-clinical, e.g. “records request from court”."),
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("hold") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the record is held: the reason is kept with the hold."))
        return data


class RetentionForm(forms.Form):
    years = forms.IntegerField(
        label=_("Keep a closed client's record for this many years"),
        min_value=1,
        max_value=30,
        help_text=_(
            "Seven years is a common default for adult records. Check it against the law where you practise "
            "(some places ask for longer, and for minors until some years after they turn 18)."
        ),
    )
    keep_scores = forms.BooleanField(
        required=False, label=_("After erasure, keep questionnaire totals and dates (no answers, no words)")
    )


class ImportForm(forms.Form):
    upload = forms.FileField(
        label=_("Export file"),
        help_text=_(
            "The zip a client downloaded from another Carryover, its export.json, or a FHIR R4 Bundle (the "
            "client's record from another Carryover's records page)."
        ),
    )
    email = forms.EmailField(label=_("The client's email address here"), max_length=254)
