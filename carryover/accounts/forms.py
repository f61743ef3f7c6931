"""Forms of the accounts pages: invitations and accepting them, practice settings and crisis lines, the profile,
password reset and passkeys. They check input only; the work is done by `services.py`."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.forms import AddWebAuthnForm
from django import forms
from django.contrib.auth import password_validation
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from carryover.lib.i18n import LANGUAGE_CHOICES, UNSUPPORTED_MESSAGE
from carryover.lib.widgets import DateInput

from .models import (
    Country,
    CrisisResource,
    Practice,
    Role,
    Terminology,
    TextSize,
    Theme,
    User,
    all_time_zones,
)
from .services import password_reset_request


def time_zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone.replace("_", " ")) for zone in all_time_zones()]


class InviteClientForm(forms.Form):
    name = forms.CharField(max_length=150, required=False, label=_("Name (optional)"))
    email = forms.EmailField(max_length=254, label=_("Email address"))


class InviteStaffForm(InviteClientForm):
    role = forms.ChoiceField(
        choices=[(Role.THERAPIST.value, Role.THERAPIST.label), (Role.ADMIN.value, Role.ADMIN.label)],
        initial=Role.THERAPIST,
        label=_("Role"),
    )


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(max_length=150, label=_("Your name"), help_text=_("How you'd like to be addressed."))
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        min_length=8,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters. A passphrase of 15 or more, like four random words, is best."),
    )
    time_zone = forms.ChoiceField(
        label=_("Your time zone"),
        choices=time_zone_choices,
        initial="UTC",
        help_text=_("We guessed it from your device; change it if it's wrong. Reminders and due dates follow it."),
        widget=forms.Select(attrs={"data-guess-timezone": "1"}),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=LANGUAGE_CHOICES,
        required=False,  # left out: their practice's language
        help_text=_("The language Carryover speaks to you in. You can change it later on your account page."),
        error_messages={"invalid_choice": UNSUPPORTED_MESSAGE},
    )
    consent = forms.BooleanField(label=_("I have read and agree to the practice's terms above."))

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["consent"].error_messages["required"] = _("Please agree to the practice's terms to continue.")

    def clean(self):
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if password:
            # An unsaved user lets the similarity check compare the password with the email and name.
            candidate = User(email=self.email, name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class RequestNewLinkForm(forms.Form):
    email = forms.EmailField(max_length=254, label=_("Your email address"))


class ResetPasswordForm(AllauthResetPasswordForm):
    """allauth's "forgot password" form, minus the account lookup and the email: both happen in the worker
    (`password_reset_request`), so a known and an unknown address take the same path through the request."""

    def clean_email(self) -> str:
        return get_adapter().clean_email(self.cleaned_data["email"].lower())

    def save(self, request, **kwargs) -> str:
        password_reset_request(email=self.cleaned_data["email"])
        return self.cleaned_data["email"]


class PracticeSettingsForm(forms.ModelForm):
    class Meta:
        model = Practice
        fields = ["name", "country", "terminology", "default_language", "terms"]
        labels = {
            "name": _("Name"),
            "terminology": _("Word for the work between sessions"),
            "terms": _("Terms clients and staff agree to"),
        }
        widgets = {"terms": forms.Textarea(attrs={"rows": 6})}

    country = forms.ChoiceField(
        choices=Country.choices,
        label=_("Country"),
        help_text=_(
            "Sets the crisis lines clients see. Changing it replaces them with that country's lines; you see "
            "what will change before anything is saved."
        ),
        error_messages={
            "invalid_choice": _(
                "Carryover has no checked crisis lines for “%(value)s” yet, so the practice can't be "
                "set to it and nothing was saved. Choose one of the listed countries."
            )
        },
    )
    terminology = forms.ChoiceField(choices=Terminology.choices, label=_("Word for the work between sessions"))
    default_language = forms.ChoiceField(
        choices=[("", _("The country's (English, UK or US)")), *LANGUAGE_CHOICES],
        required=False,
        label=_("Default language"),
        help_text=_("What clients and staff read Carryover in unless they choose their own on their account page."),
        error_messages={"invalid_choice": UNSUPPORTED_MESSAGE},
    )


class CountryChangeForm(forms.Form):
    """The second step of a country change: which of the practice's own lines to keep beside the new defaults."""

    confirm_country = forms.CharField(widget=forms.HiddenInput)
    fingerprint = forms.CharField(widget=forms.HiddenInput)
    keep = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Keep these lines your practice added or changed"),
    )

    def __init__(self, *args, own: list[CrisisResource], **kwargs):
        super().__init__(*args, **kwargs)
        keep = self.fields["keep"]
        assert isinstance(keep, forms.TypedMultipleChoiceField)
        keep.choices = [(r.pk, f"{r.name}: {r.phone or r.sms}") for r in own]


# What a phone can dial from a button: digits, with the spaces, dashes and brackets people read numbers with.
DIALABLE = RegexValidator(
    r"^\+?[0-9][0-9 ()-]*$",
    _("Write the number as it is dialled, e.g. “116 123” or “1-800-668-6868”: digits only."),
)


class CrisisResourceForm(forms.ModelForm):
    url = forms.URLField(required=False, assume_scheme="https", label=_("Website"), max_length=200)

    class Meta:
        model = CrisisResource
        fields = ["name", "how", "phone", "sms", "sms_body", "url", "last_verified", "position"]
        labels = {
            "name": _("Name"),
            "how": _("What to do"),
            "phone": _("Phone"),
            "sms": _("Text number"),
            "sms_body": _("Text message to pre-fill"),
            "url": _("Website"),
            "last_verified": _("Last checked on"),
            "position": _("Position"),
        }
        widgets = {"last_verified": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].validators.append(DIALABLE)
        self.fields["sms"].validators.append(DIALABLE)

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("sms_body") and not cleaned.get("sms"):
            self.add_error("sms_body", _("Add the number to text first: the message is pre-filled for that number."))
        return cleaned


CrisisResourceFormSet = forms.modelformset_factory(
    CrisisResource, form=CrisisResourceForm, extra=1, can_delete=True, max_num=20, validate_max=True
)


class ProfileForm(forms.Form):
    name = forms.CharField(max_length=150, label=_("Your name"))
    time_zone = forms.ChoiceField(label=_("Your time zone"), choices=time_zone_choices)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Your practice's language")), *LANGUAGE_CHOICES],
        required=False,
        error_messages={"invalid_choice": UNSUPPORTED_MESSAGE},
    )


class DisplayForm(forms.Form):
    """How pages look on every device this person signs in on: a theme and a text size."""

    theme = forms.ChoiceField(label=_("Colours"), choices=Theme.choices, widget=forms.RadioSelect)
    text_size = forms.ChoiceField(label=_("Text size"), choices=TextSize.choices, widget=forms.RadioSelect)


class AddPasskeyForm(AddWebAuthnForm):
    """allauth's form in plain words (settings.MFA_FORMS), with a bounded name."""

    name = forms.CharField(
        max_length=60, required=False, label=_("Name for this passkey"), help_text=_("For example “My phone”.")
    )
    passwordless = forms.BooleanField(
        required=False,
        label=_("Also let me sign in with just this passkey, without my password"),
        help_text=_("Your device will then ask for your fingerprint, face or screen lock each time."),
    )

    def __init__(self, *args, **kwargs) -> None:
        count = Authenticator.objects.filter(user=kwargs["user"], type=Authenticator.Type.WEBAUTHN).count()
        self.default_name = f"Passkey {count + 1}"  # rather than allauth's "Master key"
        kwargs.setdefault("initial", {}).setdefault("name", self.default_name)
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        return self.cleaned_data["name"] or self.default_name

    def clean(self) -> dict:
        try:
            return super().clean()
        except ValueError:
            # allauth 65.21 lets fido2's ValueError for a malformed answer (say, id and rawId differ) escape.
            raise forms.ValidationError(_("Your device's answer could not be read. Please try again.")) from None


class CodeForm(AllauthAuthenticateForm):
    """allauth's second sign-in step (settings.MFA_FORMS) with a code field a phone fills well: the number pad,
    and the code offered from the authenticator app. Recovery codes are digits too."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(inputmode="numeric", autocomplete="one-time-code")
