"""The reminder settings a client chooses, the therapist's digest, and the push subscription a browser sends:
each read and checked here, so the services receive clean data."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from django import forms
from django.utils.translation import gettext_lazy as _

from carryover.homework.models import Assignment

from .channels import unavailable_channels
from .models import Channel, Mode, ReminderSettings, TherapistDigest
from .services import LATER_CHOICES, PushSubscriptionData, ReminderError, SettingsData
from .times import anchor_time

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TIME_ERRORS = {"invalid": _("Please enter a time like 19:30.")}
CHANNEL_CHOICES = [("", _("— none —")), *Channel.choices]
ORDER_LABELS = [_("First, remind me by"), _("If that does not work, by"), _("And if that fails too, by")]


def time_field(label: StrOrPromise, help_text: StrOrPromise = "") -> forms.TimeField:
    return forms.TimeField(
        required=False,
        label=label,
        help_text=help_text,
        error_messages=TIME_ERRORS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


class SettingsForm(forms.Form):
    enabled = forms.BooleanField(required=False, label=_("Send me reminders"))
    mode = forms.ChoiceField(choices=Mode.choices, widget=forms.RadioSelect, label=_("How many reminders"))
    time = time_field(_("Time for the daily reminder"), _("Leave empty to use the time that fits your plan."))
    quiet_start = time_field(_("Quiet hours from"), _("No reminder comes in quiet hours."))
    quiet_end = time_field(_("Quiet hours until"))
    channel_0 = forms.ChoiceField(choices=CHANNEL_CHOICES, label=ORDER_LABELS[0])
    channel_1 = forms.ChoiceField(choices=CHANNEL_CHOICES, required=False, label=ORDER_LABELS[1])
    channel_2 = forms.ChoiceField(choices=CHANNEL_CHOICES, required=False, label=ORDER_LABELS[2])

    def __init__(self, *args, assignments: list[Assignment], setting: ReminderSettings, **kwargs):
        own = {a.pk: getattr(a, "reminder", None) for a in assignments}
        missing = unavailable_channels()
        offered = [c for c in setting.channels if c not in missing]
        initial = {
            "enabled": setting.enabled,
            "mode": setting.mode,
            "time": setting.time,
            "quiet_start": setting.quiet_start,
            "quiet_end": setting.quiet_end,
            **{f"channel_{n}": c for n, c in enumerate(offered[:3])},
            **{f"time_{pk}": r.time for pk, r in own.items() if r is not None and r.time},
        }
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for n in range(3):
            channel = self.fields[f"channel_{n}"]
            assert isinstance(channel, forms.ChoiceField)
            channel.choices = [c for c in CHANNEL_CHOICES if c[0] not in missing]
        self.fields["channel_0"].help_text = " ".join(missing.values())
        self.assignment_ids = []
        for assignment in assignments:
            default = anchor_time(assignment.c("if_when"))
            hint = (
                _("Empty means %(time)s, from your plan “%(routine)s”.")
                % {"time": f"{default:%H:%M}", "routine": assignment.plan_routine}
                if default
                else ""
            )
            self.fields[f"time_{assignment.pk}"] = time_field(
                _("Time for “%(title)s”") % {"title": assignment.title}, hint
            )
            self.assignment_ids.append(assignment.pk)

    def assignment_fields(self):
        return [self[f"time_{pk}"] for pk in self.assignment_ids]

    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith("time_")]

    def clean(self):
        data = super().clean() or {}
        channels = [data.get(f"channel_{n}") for n in range(3)]
        chosen = [c for c in channels if c]
        if len(set(chosen)) != len(chosen):
            self.add_error("channel_1", _("Please choose each way only once."))
        if bool(data.get("quiet_start")) != bool(data.get("quiet_end")):
            self.add_error("quiet_end", _("Please give both the start and the end of quiet hours, or neither."))
        probe = ReminderSettings(quiet_start=data.get("quiet_start"), quiet_end=data.get("quiet_end"))
        for name in ["time", *(f"time_{pk}" for pk in self.assignment_ids)]:
            at = data.get(name)
            if at and probe.in_quiet_hours(at):
                self.add_error(name, _("This time is inside your quiet hours. Please choose another time."))
        data["channels"] = chosen
        return data

    def data_object(self) -> SettingsData:
        data = self.cleaned_data
        return SettingsData(
            enabled=data["enabled"],
            mode=data["mode"],
            time=data.get("time"),
            quiet_start=data.get("quiet_start"),
            quiet_end=data.get("quiet_end"),
            channels=data["channels"],
            assignment_times={pk: data.get(f"time_{pk}") for pk in self.assignment_ids},
        )


class LaterForm(forms.Form):
    when = forms.ChoiceField(choices=list(LATER_CHOICES.items()), widget=forms.RadioSelect, label=_("Remind me"))


class DigestForm(forms.ModelForm):
    class Meta:
        model = TherapistDigest
        fields = ["enabled", "time"]
        labels = {"enabled": _("Email me a daily summary"), "time": _("At (your time)")}
        widgets = {"time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        error_messages = {"time": TIME_ERRORS}


def push_subscription_from_json(body: bytes) -> PushSubscriptionData:
    """The browser's POST, `{"subscription": PushSubscription.toJSON(), "show_titles": bool}`, checked. Raises
    ReminderError with what to tell the person; nothing is saved from a body that fails."""
    try:
        data = json.loads(body or b"{}")
        subscription: Any = data.get("subscription")
        show_titles = bool(data.get("show_titles"))
    except (ValueError, AttributeError):  # not JSON (or not UTF-8), or JSON that is not an object
        raise ReminderError(_("We could not read that subscription.")) from None
    endpoint = subscription.get("endpoint") if isinstance(subscription, dict) else None
    keys = subscription.get("keys") if isinstance(subscription, dict) else None
    if not isinstance(endpoint, str) or not isinstance(keys, dict):
        raise ReminderError(_("This browser sent a subscription we could not read."))
    parsed = urlparse(endpoint)
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if parsed.scheme != "https" or not parsed.netloc or len(endpoint) > 500:
        raise ReminderError(_("This browser's push address is not a secure web address."))
    if not isinstance(p256dh, str) or not isinstance(auth, str) or not (40 <= len(p256dh) <= 200) or not auth:
        raise ReminderError(_("This browser sent incomplete notification keys."))
    return PushSubscriptionData(endpoint=endpoint, p256dh=p256dh, auth=auth[:100], show_titles=show_titles)
