"""What needs a therapist's attention ("not working" notices, entries flagged to talk about, clients gone quiet),
shown in the app and sent as a daily email digest at the time they choose. The email holds counts and a link:
no names, no clinical text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from carryover.accounts.models import Membership, Role
from carryover.homework.models import AssignmentStatus, Entry, Notice, Visibility, local_today
from carryover.lib.i18n import language_for

from .models import TherapistDigest
from .times import local_instant

INACTIVE_DAYS = 7


@dataclass
class Attention:
    notices: list[Notice]
    flagged: list[Entry]
    inactive: list[Membership]

    @property
    def total(self) -> int:
        return len(self.notices) + len(self.flagged) + len(self.inactive)


def attention_for(therapist: Membership, *, now: datetime | None = None) -> Attention:
    now = now or timezone.now()
    clients = Membership.objects.clients_of(therapist)
    notices = Notice.objects.filter(client__in=clients, resolved_at__isnull=True).select_related("client__user")
    flagged = Entry.objects.filter(
        client__in=clients, talk_next_session=True, visibility=Visibility.SHARED, submitted_at__gte=now - timedelta(14)
    ).select_related("client__user")
    recent = Entry.objects.filter(client=OuterRef("pk"), submitted_at__gte=now - timedelta(days=INACTIVE_DAYS))
    active_work = clients.filter(assignments__status=AssignmentStatus.ACTIVE).distinct()
    inactive = active_work.filter(~Exists(recent)).select_related("user")
    return Attention(list(notices[:50]), list(flagged[:50]), list(inactive[:50]))


def digest_settings(therapist: Membership) -> TherapistDigest:
    digest, _ = TherapistDigest.objects.get_or_create(therapist=therapist)
    return digest


def digests_send(*, now: datetime | None = None) -> int:
    """Send each therapist's digest once a local day, at or after their chosen time. The day is marked before
    sending: after a crash a digest may be missed, never doubled."""
    now = now or timezone.now()
    sent = 0
    for digest in TherapistDigest.objects.filter(enabled=True, therapist__role=Role.THERAPIST).select_related(
        "therapist__user", "therapist__practice"
    ):
        zone = digest.therapist.user.zone
        today = local_today(digest.therapist.user, now)
        if digest.last_sent_on == today or now < local_instant(today, digest.time, zone):
            continue
        claimed = TherapistDigest.objects.filter(pk=digest.pk).exclude(last_sent_on=today).update(last_sent_on=today)
        attention = attention_for(digest.therapist, now=now)
        if not claimed or not attention.total:
            continue
        context = {
            "notices": len(attention.notices),
            "flagged": len(attention.flagged),
            "inactive": len(attention.inactive),
            "url": settings.SITE_URL + reverse("therapist_attention"),
        }
        with translation.override(language_for(digest.therapist.user, digest.therapist.practice)):
            subject = render_to_string("reminders/digest_subject.txt", context).strip()
            body = render_to_string("reminders/digest_body.txt", context)
        EmailMessage(subject, body, to=[digest.therapist.user.email]).send(fail_silently=True)
        sent += 1
    return sent
