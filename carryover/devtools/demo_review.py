"""Weekly sessions for the demo clients (`make run` only), on each story's session weekday, so the summary
opens on "since last session" with the next one booked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from carryover.accounts.models import Membership
from carryover.devtools.demo_homework import STORIES, WEEKS
from carryover.homework.models import local_today
from carryover.review.models import Session

NOTES = [
    "First session: goals and the first activities",
    "Reviewed the week, set the fear ladder",
    "Reviewed practice, adjusted timing",
    "Went over barriers, kept the plan",
    "Reviewed entries together",
    "Talked through a hard week",
    "Reviewed progress, next step agreed",
]


def load_review_demo(*, therapist: Membership, clients: Sequence[Membership]) -> list[str]:
    created = []
    for client in clients:
        if client.user.email not in STORIES or Session.objects.filter(client=client).exists():
            continue
        weekday = STORIES[client.user.email][1]
        today = local_today(client.user)
        upcoming = today + timedelta(days=(weekday - today.weekday()) % 7)  # today, if today is session day
        dates = [upcoming - timedelta(weeks=k) for k in range(WEEKS - 1, 0, -1)]
        Session.objects.bulk_create(
            Session(
                client=client,
                therapist=therapist,
                date=day,
                note=NOTES[i % len(NOTES)],
                next_date=day + timedelta(weeks=1),
            )
            for i, day in enumerate(dates)
        )
        created.append(f"{len(dates)} sessions for {client.user.email}")
    return created
