"""Weekly sessions for the demo clients (`make run` only), on each story's session weekday, so the summary
opens on "since last session" with the next one booked. Jordan's last one was a review together, recorded by
finishing it (demo_together.py), so it is left out here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from carryover.accounts.models import Membership
from carryover.devtools.demo_homework import STORIES, WEEKS
from carryover.homework.models import local_today
from carryover.review.models import Session
from carryover.together.models import Conversation

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
        reviewed = Conversation.objects.filter(client=client).values("session_id")  # demo_together.py's session
        if client.user.email not in STORIES or Session.objects.filter(client=client).exclude(pk__in=reviewed).exists():
            continue
        weekday = STORIES[client.user.email][1]
        today = local_today(client.user)
        upcoming = today + timedelta(days=(weekday - today.weekday()) % 7)  # today, if today is session day
        recorded = set(Session.objects.filter(client=client).values_list("date", flat=True))
        dates = [day for k in range(WEEKS - 1, 0, -1) if (day := upcoming - timedelta(weeks=k)) not in recorded]
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
