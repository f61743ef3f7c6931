"""Writes of the review app. Audit rows come from the access helpers the views fetch through."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from carryover.accounts.models import Membership
from carryover.homework.services import occurrences_refresh

from .models import Session


def session_record(
    *, therapist: Membership, client: Membership, date: date, note: str = "", next_date: date | None = None
) -> Session:
    """A session held, and the next one booked with it ("before each session" measures follow the booking)."""
    with transaction.atomic():
        session = Session.objects.create(
            client=client, therapist=therapist, date=date, note=note.strip(), next_date=next_date
        )
        occurrences_refresh(client=client)
    return session


def next_session_set(*, session: Session, next_date: date | None) -> None:
    """Rebook (a new date) or cancel (None) the next session booked at `session`, the latest one. A
    not-yet-started "before each session" questionnaire moves with it, or goes when nothing is booked."""
    with transaction.atomic():
        Session.objects.filter(pk=session.pk).update(next_date=next_date)
        occurrences_refresh(client=session.client)


def review_settings_save(*, practice_id: int, quiet_days: int) -> None:
    from .models import ReviewSettings

    ReviewSettings.objects.update_or_create(practice_id=practice_id, defaults={"quiet_days": quiet_days})


def session_delete(*, session: Session) -> None:
    """A session recorded by mistake (a wrong date) goes; the summary window then starts at the one before, and the
    next booked session is the one booked there."""
    with transaction.atomic():
        session.delete()
        occurrences_refresh(client=session.client)
