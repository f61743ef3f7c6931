"""How a reminder reaches someone: email, web push, or the in-app badge. Each channel either returns the
provider's short response or raises ChannelError, saying whether trying again might help.

Reminder texts are rendered from a context that holds only a count, the practice's word for the work and
links: there is nothing clinical in reach of the templates. (A client may opt in, per device, to push titles.)
"""

from __future__ import annotations

import functools
import json
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Channel, Delivery, PushSubscription, Reminder


def unavailable_channels() -> dict[str, str]:
    """The channels this server cannot deliver, each with why, in words for the client: offered nowhere, so a
    choice that would fail silently at reminder time is never saved."""
    missing: dict[str, str] = {}
    if not (settings.VAPID_PRIVATE_KEY and settings.VAPID_PUBLIC_KEY):
        missing[Channel.PUSH] = _(
            "Notifications on a phone or computer aren't offered: this server isn't set up to send them yet "
            "(your practice can turn them on)."
        )
    return missing


class ChannelError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.message = message[:300]
        self.permanent = permanent


@dataclass(frozen=True)  # hashable: identical messages share one rendering (render_email)
class Message:
    count: int
    work: str  # "activity" / "activities", the practice's own word
    today_url: str
    later_url: str
    settings_url: str

    @classmethod
    def build(cls, reminder: Reminder, count: int) -> Message:
        practice = reminder.client.practice
        today_url, later_url, settings_url = links(settings.SITE_URL, settings.ROOT_URLCONF, get_script_prefix())
        return cls(
            count=count,
            work=practice.work_singular if count == 1 else practice.work_plural,
            today_url=today_url,
            later_url=later_url,
            settings_url=settings_url,
        )

    @property
    def text(self) -> str:
        return _("You have %(count)s %(work)s for today.") % {"count": self.count, "work": self.work}


@functools.lru_cache(maxsize=8)
def links(site_url: str, urlconf: str, prefix: str) -> tuple[str, str, str]:
    """The same three links in every reminder: looked up once per worker, not three times per message (the
    arguments are what the lookup depends on)."""
    today, later, choices = (reverse(name, urlconf) for name in ("client_home", "reminder_later", "reminder_settings"))
    return site_url + today, site_url + later, site_url + choices


def render_email(message: Message) -> tuple[str, str]:
    """Subject and body; a batch of 10,000 reminders holds a handful of distinct messages (a count, a word, a
    language), each rendered once."""
    return rendered_email(message, translation.get_language())


@functools.lru_cache(maxsize=256)
def rendered_email(message: Message, language: str | None) -> tuple[str, str]:
    context = {"m": message}
    with translation.override(language):
        subject = render_to_string("reminders/email_subject.txt", context).strip()
        return subject, render_to_string("reminders/email_body.txt", context)


def send_email(reminder: Reminder, delivery: Delivery, message: Message, connection: BaseEmailBackend) -> str:
    subject, body = render_email(message)
    key = delivery.idempotency_key.hex
    email = EmailMessage(
        subject,
        body,
        to=[reminder.client.user.email],
        connection=connection,
        headers={"Message-ID": f"<{key}@reminders.carryover>", "X-Carryover-Delivery": key},
    )
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        raise ChannelError(
            f"The mail server refused the address (SMTP {codes[0]})", permanent=min(codes) >= 500
        ) from error
    except smtplib.SMTPResponseException as error:
        raise ChannelError(f"The mail server said {error.smtp_code}", permanent=error.smtp_code >= 500) from error
    except (smtplib.SMTPException, OSError) as error:
        connection.close()
        raise ChannelError(f"Could not reach the mail server ({type(error).__name__})") from error
    return "accepted by the mail server"


def push_payload(message: Message, titles: list[str] | None) -> str:
    body = message.text if not titles else _("For today: %(titles)s") % {"titles": ", ".join(titles)}
    return json.dumps({"title": "Carryover", "body": body, "url": message.today_url, "later": message.later_url})


def send_push(reminder: Reminder, delivery: Delivery, message: Message, titles: list[str]) -> str:
    from pywebpush import WebPushException, webpush

    subscriptions = list(PushSubscription.objects.filter(client=reminder.client))
    if not subscriptions:
        raise ChannelError("No phone or computer has notifications switched on", permanent=True)
    if not settings.VAPID_PRIVATE_KEY:
        raise ChannelError("Notifications are not set up on this server (no VAPID key)", permanent=True)
    delivered, errors = 0, []
    for subscription in subscriptions:
        try:
            webpush(
                subscription.as_info(),
                data=push_payload(message, titles if subscription.show_titles else None),
                vapid_private_key=settings.VAPID_PRIVATE_KEY,
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                # The Topic lets the push service replace rather than repeat a reminder sent again after a crash.
                headers={"Topic": delivery.idempotency_key.hex, "Urgency": "normal"},
                ttl=3600,
                timeout=10,
            )
            delivered += 1
        except WebPushException as error:
            status = getattr(error.response, "status_code", None)
            if status in (404, 410):  # the browser dropped this subscription for good
                subscription.delete()
                errors.append(f"subscription gone ({status})")
            else:
                errors.append(f"push service said {status}")
        except Exception as error:  # noqa: BLE001 - a broken endpoint must not stop the others
            errors.append(type(error).__name__)
    if delivered:
        return f"delivered to {delivered} device(s)"
    raise ChannelError("; ".join(errors)[:300], permanent=all("gone" in e for e in errors))


def send(channel: str, reminder: Reminder, delivery: Delivery, message: Message, **kwargs) -> str:
    if channel == Channel.EMAIL:
        return send_email(reminder, delivery, message, kwargs["connection"])
    if channel == Channel.PUSH:
        return send_push(reminder, delivery, message, kwargs.get("titles", []))
    if channel == Channel.IN_APP:
        return "shown on Today"
    raise ChannelError(f"Unknown channel {channel}", permanent=True)
