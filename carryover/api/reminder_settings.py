"""The client's reminder settings: read them, and replace them through the settings page's own form
(`reminders.forms.SettingsForm`, the one home of its rules: quiet hours, each channel once) and service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router

from carryover.accounts.access import get_own_client_record
from carryover.audit.models import Action
from carryover.homework.models import Assignment, AssignmentStatus
from carryover.reminders import services as reminders
from carryover.reminders.forms import SettingsForm
from carryover.reminders.planning import settings_for

from . import schemas as s
from .auth import ApiAuth
from .conventions import check_if_match
from .models import Area
from .problems import Problem, check_form

router = Router(auth=ApiAuth(Area.REMINDERS), tags=["client"])


def _active(me) -> list[Assignment]:
    rows = Assignment.objects.filter(client=me, status=AssignmentStatus.ACTIVE).select_related("reminder")
    return list(rows.order_by("pk"))


def _out(me) -> dict[str, Any]:
    setting = settings_for(me)
    own = {a.pk: getattr(a, "reminder", None) for a in _active(me)}
    upcoming = reminders.next_reminder(me)
    return {
        "enabled": setting.enabled,
        "mode": setting.mode,
        "time": setting.time,
        "quiet_start": setting.quiet_start,
        "quiet_end": setting.quiet_end,
        "channels": setting.channels,
        "assignment_times": {str(pk): (r.time if r else None) for pk, r in own.items()},
        "next_reminder_at": upcoming.fire_at if upcoming else None,
    }


@router.get("/me/reminder-settings", response=s.ReminderSettingsOut, summary="My reminder settings")
def reminder_settings(request: HttpRequest):
    me = get_own_client_record(request, object_type="reminder_settings")  # type: ignore[arg-type]
    return _out(me)


def _form_data(payload: s.ReminderSettingsIn, known: set[int]) -> dict[str, Any]:
    def hhmm(value: dt.time | None) -> str:
        return value.strftime("%H:%M") if value else ""

    data: dict[str, Any] = {
        "mode": payload.mode,
        "time": hhmm(payload.time),
        "quiet_start": hhmm(payload.quiet_start),
        "quiet_end": hhmm(payload.quiet_end),
        **{f"channel_{n}": channel for n, channel in enumerate(payload.channels)},
    }
    if payload.enabled:
        data["enabled"] = "on"
    for key, value in payload.assignment_times.items():
        if not key.isdigit() or int(key) not in known:
            message = "Not one of your active assignments."
            raise Problem(
                422, message, code="validation", errors=[{"field": f"assignment_times.{key}", "message": message}]
            )
        data[f"time_{key}"] = hhmm(value)
    return data


@router.put("/me/reminder-settings", response=s.ReminderSettingsOut, summary="Replace my reminder settings")
def reminder_settings_replace(request: HttpRequest, payload: s.ReminderSettingsIn):
    me = get_own_client_record(request, action=Action.UPDATE, object_type="reminder_settings")  # type: ignore[arg-type]
    check_if_match(request, _out(me))
    assignments = _active(me)
    data = _form_data(payload, {a.pk for a in assignments})
    form = SettingsForm(data, assignments=assignments, setting=settings_for(me))
    check_form(form, names={f"time_{a.pk}": f"assignment_times.{a.pk}" for a in assignments})
    reminders.reminder_settings_save(client=me, data=form.data_object())
    return _out(me)
