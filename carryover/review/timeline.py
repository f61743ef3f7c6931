"""Everything a client did, and what happened around it, in order: entries, missed occurrences, practice logs,
"not working" notices, comments, assignment changes and sessions. A fixed number of queries per page.

Private entries appear only as "a private entry" (when, for what, how it went, as on the client page): their
content is never loaded.
"""

from __future__ import annotations

from datetime import datetime, time

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carryover.accounts.models import Membership
from carryover.homework.models import (
    AssignmentRevision,
    Comment,
    Entry,
    Notice,
    Occurrence,
    Visibility,
    local_day_bounds,
    local_today,
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
        return Event(
            entry.done_on,
            entry.submitted_at,
            kind,
            title,
            detail + " · " + _("private entry"),
            private=True,
            assignment_id=entry.assignment_id,
        )
    if entry.barriers:
        detail += " · " + _("got in the way: %(barriers)s") % {"barriers": ", ".join(entry.barrier_labels()).lower()}
    if entry.minutes_spent is not None:
        detail += " · " + _("%(minutes)s min") % {"minutes": entry.minutes_spent}
    if entry.helpfulness is not None:
        detail += " · " + _("helpful %(helpful)s/10") % {"helpful": entry.helpfulness}
    if entry.talk_next_session:
        detail += " · " + _("wants to talk about it")
    return Event(
        entry.done_on,
        entry.submitted_at,
        kind,
        title,
        detail,
        words=entry.content.get("barrier_other", ""),
        url=reverse("entry_detail", args=[entry.pk]),
        assignment_id=entry.assignment_id,
    )


def timeline_events(
    client: Membership, window: Window, *, kinds: set[str] | None = None, assignment_id: int | None = None
) -> list[Event]:
    """Every registered kind's events (the built-ins' and other apps'), newest first."""
    wanted = kinds or set(timeline_providers.kinds)
    events = [event for provider in timeline_providers for event in provider(client, window, wanted, assignment_id)]
    events.sort(key=lambda e: (e.day, e.at), reverse=True)
    return events


def _moments(client: Membership, window: Window) -> tuple[datetime, datetime]:
    """The window's first and last moments, in the client's days."""
    return local_day_bounds(window.start, client.user)[0], local_day_bounds(window.end, client.user)[1]


def entry_events(client: Membership, window: Window, wanted: set[str], assignment_id: int | None) -> list[Event]:
    if not wanted & {"entry", "practice"}:
        return []
    entries = Entry.objects.filter(client=client, done_on__gte=window.start, done_on__lte=window.end)
    if assignment_id is not None:
        entries = entries.filter(assignment_id=assignment_id)
    shared = entries.filter(visibility=Visibility.SHARED).select_related("assignment")
    private = entries.filter(visibility=Visibility.PRIVATE).defer("content").select_related("assignment")
    events = [
        _entry_event(entry, entry.assignment.title if entry.assignment else _("Skill practice")) for entry in shared
    ]
    events += [
        _entry_event(entry, entry.assignment.title if entry.assignment else _("Skill practice")) for entry in private
    ]
    return [event for event in events if event.kind in wanted]


def missed_events(client: Membership, window: Window, wanted: set[str], assignment_id: int | None) -> list[Event]:
    """What passed without an answer, judged on the client's today as everywhere else: whether or not
    occurrences_refresh has recorded it yet."""
    if "missed" not in wanted:
        return []
    missed = Occurrence.objects.filter(client=client).due_between(window.start, window.end)
    if assignment_id is not None:
        missed = missed.filter(assignment_id=assignment_id)
    zone = client.user.zone
    return [
        Event(
            occurrence.due_date,
            datetime.combine(occurrence.due_date, time.max, zone),
            "missed",
            occurrence.assignment.title,
            _("Passed without an answer"),
            assignment_id=occurrence.assignment_id,
        )
        for occurrence in missed.missed({client.pk: local_today(client.user)}).select_related("assignment")
    ]


def notice_events(client: Membership, window: Window, wanted: set[str], assignment_id: int | None) -> list[Event]:
    if "notice" not in wanted:
        return []
    since, until = _moments(client, window)
    notices = Notice.objects.filter(client=client, created_at__gte=since, created_at__lt=until)
    if assignment_id is not None:
        notices = notices.filter(assignment_id=assignment_id)
    events = []
    for notice in notices.select_related("assignment"):
        state = " · " + (_("since adjusted or discussed") if notice.resolved_at else _("open"))
        detail = notice.get_reason_display() + state
        events.append(
            Event(
                local_day(notice.created_at, client.user.zone),
                notice.created_at,
                "notice",
                notice.assignment.title,
                detail,
                words=notice.note,
                assignment_id=notice.assignment_id,
            )
        )
    return events


def comment_events(client: Membership, window: Window, wanted: set[str], assignment_id: int | None) -> list[Event]:
    if "comment" not in wanted:
        return []
    since, until = _moments(client, window)
    comments = Comment.objects.filter(
        entry__client=client, entry__visibility=Visibility.SHARED, created_at__gte=since, created_at__lt=until
    ).select_related("author", "entry__assignment")
    if assignment_id is not None:
        comments = comments.filter(entry__assignment_id=assignment_id)
    events = []
    for comment in comments:
        title = comment.entry.assignment.title if comment.entry.assignment else _("Skill practice")
        events.append(
            Event(
                local_day(comment.created_at, client.user.zone),
                comment.created_at,
                "comment",
                title,
                _("Comment by %(name)s")
                % {"name": comment.author.display_name if comment.author else _("a former colleague")},
                words=comment.text,
                url=reverse("entry_detail", args=[comment.entry_id]),
                assignment_id=comment.entry.assignment_id,
            )
        )
    return events


def change_events(client: Membership, window: Window, wanted: set[str], assignment_id: int | None) -> list[Event]:
    if "change" not in wanted:
        return []
    since, until = _moments(client, window)
    revisions = AssignmentRevision.objects.filter(
        assignment__client=client, created_at__gte=since, created_at__lt=until
    ).select_related("assignment")
    if assignment_id is not None:
        revisions = revisions.filter(assignment_id=assignment_id)
    events = []
    for revision in revisions:
        detail = (
            _("Assigned")
            if revision.number == 1
            else _("Changed: %(what)s") % {"what": ", ".join(revision.changed).lower()}
        )
        events.append(
            Event(
                local_day(revision.created_at, client.user.zone),
                revision.created_at,
                "change",
                revision.assignment.title,
                detail,
                assignment_id=revision.assignment_id,
            )
        )
    return events


def session_events(client: Membership, window: Window, wanted: set[str], assignment_id: int | None) -> list[Event]:
    if "session" not in wanted or assignment_id is not None:
        return []
    events = []
    for session in Session.objects.filter(client=client, date__gte=window.start, date__lte=window.end):
        detail = session.note + (
            " · " + _("next: %(day)s") % {"day": date_format(session.next_date, "j M")} if session.next_date else ""
        )
        events.append(
            Event(
                session.date,
                datetime.combine(session.date, time(12), client.user.zone),
                "session",
                _("Session"),
                detail.strip(" ·"),
            )
        )
    return events


BUILTIN_KINDS = {
    "entry": gettext_lazy("Entries"),
    "practice": gettext_lazy("Practice logs"),
    "missed": gettext_lazy("Missed"),
    "notice": gettext_lazy("Not working"),
    "comment": gettext_lazy("Comments"),
    "change": gettext_lazy("Assignment changes"),
    "session": gettext_lazy("Sessions"),
}
# The built-in kinds register through the same API as other apps' (measures adds scores and alerts), first.
timeline_providers.register(entry_events, kinds={k: BUILTIN_KINDS[k] for k in ("entry", "practice")})
for _provider, _kind in (
    (missed_events, "missed"),
    (notice_events, "notice"),
    (comment_events, "comment"),
    (change_events, "change"),
    (session_events, "session"),
):
    timeline_providers.register(_provider, kinds={_kind: BUILTIN_KINDS[_kind]})
