"""Writes of the review app. Audit rows come from the access helpers the views fetch through."""

from __future__ import annotations

from datetime import date

from carryover.accounts.models import Membership

from .models import Session


def session_record(
    *, therapist: Membership, client: Membership, date: date, note: str = "", next_date: date | None = None
) -> Session:
    return Session.objects.create(client=client, therapist=therapist, date=date, note=note.strip(), next_date=next_date)


def review_settings_save(*, practice_id: int, quiet_days: int) -> None:
    from .models import ReviewSettings

    ReviewSettings.objects.update_or_create(practice_id=practice_id, defaults={"quiet_days": quiet_days})


def session_delete(*, session: Session) -> None:
    """A session recorded by mistake (a wrong date) goes; the summary window then starts at the one before."""
    session.delete()
