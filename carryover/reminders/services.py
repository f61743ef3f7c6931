"""Client-facing operations on reminders: settings, "remind me later", calendar feed tokens, push devices."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carryover.accounts.models import Membership, hash_token
from carryover.homework.models import Assignment, local_today

from .models import (
    LATER_PREFIX,
    AssignmentReminder,
    Channel,
    PushSubscription,
    Reminder,
    ReminderSettings,
    ReminderStatus,
)
from .planning import open_count, plan_clients, settings_for
from .targets import quiet_adjusted
from .times import local_instant


class ReminderError(Exception):
    pass


@dataclass
class SettingsData:
    enabled: bool
    mode: str
    time: dt.time | None
    quiet_start: dt.time | None
    quiet_end: dt.time | None
    channels: list[str]
    assignment_times: dict[int, dt.time | None]


def reminder_settings_save(*, client: Membership, data: SettingsData) -> ReminderSettings:
    """Save and replan at once, in one transaction: a setting that is rolled back moves nothing."""
    from .tasks import wake_at

    with transaction.atomic():
        setting = settings_for(client)
        setting.enabled, setting.mode, setting.time = data.enabled, data.mode, data.time
        setting.quiet_start, setting.quiet_end = data.quiet_start, data.quiet_end
        setting.channels = [c for c in data.channels if c in Channel.values]
        setting.save()
        for assignment in Assignment.objects.filter(client=client, pk__in=data.assignment_times):
            AssignmentReminder.objects.update_or_create(
                assignment=assignment, defaults={"time": data.assignment_times[assignment.pk]}
            )
        wake_at(plan_clients([client], refresh=False))
    return setting


LATER_CHOICES = {
    "hour": gettext_lazy("In an hour"),
    "evening": gettext_lazy("This evening"),
    "tomorrow": gettext_lazy("Tomorrow"),
}
EVENING = time(19, 0)


def later_choices(client: Membership, now: datetime | None = None) -> dict[str, str]:
    now = now or timezone.now()
    local = now.astimezone(client.user.zone)
    choices = {key: str(label) for key, label in LATER_CHOICES.items()}
    if local.time() >= time(EVENING.hour - 1):
        del choices["evening"]
    return choices


def reminder_later(*, client: Membership, choice: str, now: datetime | None = None) -> str:
    """Postpone today's reminders. Returns a sentence saying when the next one comes."""
    from .tasks import wake_at

    now = now or timezone.now()
    if choice not in later_choices(client, now):
        raise ReminderError(_("Please choose one of the options shown."))
    zone = client.user.zone
    today = local_today(client.user, now)
    setting = settings_for(client)
    with transaction.atomic():
        # Today's reminders still to come are replaced by the one asked for.
        Reminder.objects.filter(
            client=client, local_date=today, status=ReminderStatus.SCHEDULED, fire_at__gt=now
        ).update(status=ReminderStatus.CANCELLED, reason="Postponed by you")
        if choice == "tomorrow":
            return _("No more reminders today. Tomorrow's will come as usual.")
        at = EVENING
        if choice == "hour":
            in_an_hour = (now.replace(second=0, microsecond=0) + timedelta(hours=1)).astimezone(zone)
            if in_an_hour.date() != today:
                return _("No more reminders today. Tomorrow's will come as usual.")
            at = in_an_hour.time()
        fire_at = local_instant(today, quiet_adjusted(setting, at), zone)  # never in quiet hours
        local = fire_at.astimezone(zone)
        if fire_at <= now:
            return _("No more reminders today. Tomorrow's will come as usual.")
        reminder, created = Reminder.objects.get_or_create(
            client=client,
            local_date=today,
            key=f"{LATER_PREFIX}{local:%H%M}",
            defaults={"fire_at": fire_at, "next_attempt_at": fire_at},
        )
        if not created and reminder.status == ReminderStatus.CANCELLED:
            Reminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.SCHEDULED, reason="")
        wake_at([fire_at])
    return _("We'll remind you again at %(time)s.") % {"time": f"{local:%H:%M}"}


def badge(client: Membership, *, mark_seen: bool = False) -> int:
    """The in-app badge: how many activities are open today, once a reminder for today has gone out."""
    today = local_today(client.user)
    fired = Reminder.objects.filter(client=client, local_date=today, status=ReminderStatus.SENT, seen_at__isnull=True)
    if not fired.exists():
        return 0
    count = open_count(client, today)
    if mark_seen:
        fired.update(seen_at=timezone.now())
    return count


def next_reminder(client: Membership) -> Reminder | None:
    return (
        Reminder.objects.filter(client=client, status=ReminderStatus.SCHEDULED, fire_at__gt=timezone.now())
        .order_by("fire_at")
        .first()
    )


# --- Calendar feed ------------------------------------------------------------------------------------------


def feed_token_create(*, client: Membership) -> str:
    """A new secret feed address; the old one stops working at once. Only its hash is kept."""
    token = secrets.token_urlsafe(32)  # 256 bits
    setting = settings_for(client)
    setting.feed_token_hash = hash_token(token)
    setting.save(update_fields=["feed_token_hash"])
    return token


def feed_token_revoke(*, client: Membership) -> None:
    ReminderSettings.objects.filter(client=client).update(feed_token_hash="")


def client_for_feed_token(token: str) -> Membership | None:
    if not token or len(token) > 100:
        return None
    # A deactivated account's feed goes dark with the account, exactly as if its address had been revoked: the
    # calendar app keeps polling, and what it shows (work due, reminder times) is about a person no longer served.
    setting = (
        ReminderSettings.objects.filter(feed_token_hash=hash_token(token), client__user__is_active=True)
        .select_related("client__user")
        .first()
    )
    return setting.client if setting else None


# --- Push devices ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PushSubscriptionData:
    """A browser's push subscription, read and checked (forms.push_subscription_from_json)."""

    endpoint: str
    p256dh: str
    auth: str
    show_titles: bool


def push_subscribe(*, client: Membership, subscription: PushSubscriptionData) -> PushSubscription:
    """Save a browser's push subscription: the same endpoint again (a re-subscribe) updates its row."""
    saved, _created = PushSubscription.objects.update_or_create(
        endpoint=subscription.endpoint,
        defaults={
            "client": client,
            "p256dh": subscription.p256dh,
            "auth": subscription.auth,
            "show_titles": subscription.show_titles,
        },
    )
    return saved


def push_unsubscribe(*, client: Membership, pk: int) -> None:
    PushSubscription.objects.filter(client=client, pk=pk).delete()
