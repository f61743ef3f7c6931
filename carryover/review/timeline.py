"""Everything a client did, and what happened around it, in order: entries, missed occurrences, practice logs,
"not working" notices, comments, assignment changes and sessions. A fixed number of queries per page.

Private entries appear only as "a private entry" (when, for what, how it went, as on the client page): their
content is never loaded.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.urls import reverse

from carryover.accounts.models import Membership
from carryover.homework.models import (
    AssignmentRevision,
    Comment,
    Entry,
    Notice,
    Occurrence,
    OccurrenceStatus,
    Visibility,
)
from carryover.lib.times import local_day

from .extensions import Event, timeline_providers
from .models import Session
from .windows import Window


def _entry_event(entry: Entry, title: str) -> Event:
    kind = "entry" if entry.assignment_id else "practice"
    detail = entry.get_outcome_display()
    if entry.fraction is not None and entry.outcome == "partial":
        detail += f" ({int(entry.fraction * 100)}%)"
    if entry.is_private:
        return Event(entry.done_on, entry.submitted_at, kind, title, detail + " · private entry", private=True,
                     assignment_id=entry.assignment_id)  # fmt: skip
    if entry.barriers:
        detail += " · got in the way: " + ", ".join(entry.barrier_labels()).lower()
    if entry.minutes_spent is not None:
        detail += f" · {entry.minutes_spent} min"
    if entry.helpfulness is not None:
        detail += f" · helpful {entry.helpfulness}/10"
    if entry.talk_next_session:
        detail += " · wants to talk about it"
    return Event(
        entry.done_on, entry.submitted_at, kind, title, detail, words=entry.content.get("barrier_other", ""),
        url=reverse("entry_detail", args=[entry.pk]), assignment_id=entry.assignment_id,
    )  # fmt: skip


def timeline_events(
    client: Membership, window: Window, *, kinds: set[str] | None = None, assignment_id: int | None = None
) -> list[Event]:
    """Every registered kind's events (the built-ins' and other apps'), newest first."""
    wanted = kinds or set(timeline_providers.kinds)
    events = [event for provider in timeline_providers for event in provider(client, window, wanted, assignment_id)]
    events.sort(key=lambda e: (e.day, e.at), reverse=True)
    return events


def builtin_events(client: Membership, window: Window, wanted: set[str], assignment_id: int | None) -> list[Event]:
    zone = client.user.zone
    since = datetime.combine(window.start, time.min, zone)
    until = datetime.combine(window.end + timedelta(days=1), time.min, zone)

    def local(moment: datetime) -> date:
        return local_day(moment, zone)

    events: list[Event] = []
    entries = Entry.objects.filter(client=client, done_on__gte=window.start, done_on__lte=window.end)
    if assignment_id is not None:
        entries = entries.filter(assignment_id=assignment_id)
    if wanted & {"entry", "practice"}:
        shared = entries.filter(visibility=Visibility.SHARED).select_related("assignment")
        private = entries.filter(visibility=Visibility.PRIVATE).defer("content").select_related("assignment")
        for entry in [*shared, *private]:
            event = _entry_event(entry, entry.assignment.title if entry.assignment else "Skill practice")
            if event.kind in wanted:
                events.append(event)
    if "missed" in wanted:
        missed = Occurrence.objects.filter(
            client=client, status=OccurrenceStatus.MISSED, due_date__gte=window.start, due_date__lte=window.end
        ).select_related("assignment")
        if assignment_id is not None:
            missed = missed.filter(assignment_id=assignment_id)
        for occurrence in missed:
            end_of_day = datetime.combine(occurrence.due_date, time.max, zone)
            events.append(Event(occurrence.due_date, end_of_day, "missed", occurrence.assignment.title,
                                "Passed without an answer", assignment_id=occurrence.assignment_id))  # fmt: skip
    if "notice" in wanted:
        notices = Notice.objects.filter(client=client, created_at__gte=since, created_at__lt=until)
        if assignment_id is not None:
            notices = notices.filter(assignment_id=assignment_id)
        for notice in notices.select_related("assignment"):
            state = " · since adjusted or discussed" if notice.resolved_at else " · open"
            detail = notice.get_reason_display() + state
            events.append(Event(local(notice.created_at), notice.created_at, "notice", notice.assignment.title,
                                detail, words=notice.note, assignment_id=notice.assignment_id))  # fmt: skip
    if "comment" in wanted:
        comments = Comment.objects.filter(
            entry__client=client, entry__visibility=Visibility.SHARED, created_at__gte=since, created_at__lt=until
        ).select_related("author", "entry__assignment")
        if assignment_id is not None:
            comments = comments.filter(entry__assignment_id=assignment_id)
        for comment in comments:
            title = comment.entry.assignment.title if comment.entry.assignment else "Skill practice"
            events.append(Event(
                local(comment.created_at), comment.created_at, "comment", title,
                f"Comment by {comment.author.display_name if comment.author else 'a former colleague'}",
                words=comment.text, url=reverse("entry_detail", args=[comment.entry_id]),
                assignment_id=comment.entry.assignment_id,
            ))  # fmt: skip
    if "change" in wanted:
        revisions = AssignmentRevision.objects.filter(
            assignment__client=client, created_at__gte=since, created_at__lt=until
        ).select_related("assignment")
        if assignment_id is not None:
            revisions = revisions.filter(assignment_id=assignment_id)
        for revision in revisions:
            detail = "Assigned" if revision.number == 1 else "Changed: " + ", ".join(revision.changed).lower()
            events.append(Event(local(revision.created_at), revision.created_at, "change", revision.assignment.title,
                                detail, assignment_id=revision.assignment_id))  # fmt: skip
    if "session" in wanted and assignment_id is None:
        for session in Session.objects.filter(client=client, date__gte=window.start, date__lte=window.end):
            detail = session.note + (f" · next: {session.next_date:%-d %b}" if session.next_date else "")
            events.append(Event(session.date, datetime.combine(session.date, time(12), zone), "session", "Session",
                                detail.strip(" ·")))  # fmt: skip
    return events


BUILTIN_KINDS = {
    "entry": "Entries",
    "practice": "Practice logs",
    "missed": "Missed",
    "notice": "Not working",
    "comment": "Comments",
    "change": "Assignment changes",
    "session": "Sessions",
}
timeline_providers.register(builtin_events, kinds=BUILTIN_KINDS)
