"""Operations on the library, assignments, occurrences, drafts and entries. Views call these; nothing else writes.

Audit rows are written by the access helpers the views fetch through (one per request), not here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from carryover.accounts.models import Membership, User
from carryover.lib import events
from carryover.lib.extensions import Registry

from . import schema as worksheet
from .fields import Format
from .models import (
    SESSION_WINDOW_DAYS,
    Assignment,
    AssignmentRevision,
    AssignmentStatus,
    Attachment,
    Draft,
    Entry,
    Favourite,
    Goal,
    LadderItem,
    Notice,
    Occurrence,
    OccurrenceStatus,
    Outcome,
    ScheduleKind,
    ScheduleRefresh,
    Template,
    TemplateKind,
    TemplateVersion,
    Welcome,
    local_today,
)
from .outcome import AfterForm, OutcomeForm
from .render import visible_schema

HORIZON_DAYS = 7  # occurrences exist from an assignment's start up to a week ahead of the client's today


class SubmissionError(Exception):
    """The answer can't be accepted yet; `errors` maps each input name to a plain message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


# --- Library ----------------------------------------------------------------------------------------------

VERSION_FIELDS = ("name", "category", "summary", "instructions", "rationale", "minutes", "formats", "schema")


def template_version_add(*, template: Template, created_by: User | None, **content: Any) -> TemplateVersion:
    """Editing a worksheet never changes a version in place: a new version is added and becomes the latest."""
    worksheet.check_schema(content["schema"])
    latest = template.versions.order_by("-number").first()
    return TemplateVersion.objects.create(
        template=template,
        number=(latest.number + 1) if latest else 1,
        created_by=created_by,
        **{key: content[key] for key in VERSION_FIELDS if key in content},
    )


ALREADY_SENT = gettext_lazy(
    "This questionnaire has already been sent. Thank you."
)  # a worksheet sent twice hears it too


def builtin_sync(definitions: list[dict] | None = None, *, kind: str = TemplateKind.ACTIVITY) -> list[str]:
    """Create or update the built-in library; a changed definition becomes a new version. Idempotent.
    `kind`: the measures app loads its questionnaires here too, and says so."""
    from .builtin import BUILTIN_TEMPLATES

    changed = []
    with transaction.atomic():
        for definition in definitions if definitions is not None else BUILTIN_TEMPLATES:
            template, _created = Template.objects.get_or_create(
                key=definition["key"], practice=None, defaults={"kind": kind}
            )
            if template.kind != kind:
                Template.objects.filter(pk=template.pk).update(kind=kind)
            latest = template.versions.order_by("-number").first()
            if latest is None or any(getattr(latest, key) != definition[key] for key in VERSION_FIELDS):
                template_version_add(template=template, created_by=None, **definition)
                changed.append(definition["key"])
    return changed


def custom_template_save(
    *, therapist: Membership, template: Template | None, shared: bool, **content: Any
) -> TemplateVersion:
    with transaction.atomic():
        if template is None:
            template = Template.objects.create(practice_id=therapist.practice_id, owner=therapist.user)
        else:  # two saves at once must not both claim the next version number
            template = Template.objects.select_for_update().get(pk=template.pk)
        template.shared = shared
        template.save(update_fields=["shared"])
        return template_version_add(template=template, created_by=therapist.user, **content)


# --- Goals and the fear ladder ----------------------------------------------------------------------------------


def goal_create(*, actor: User, client: Membership, text: str, steps: list[str]) -> Goal:
    goal = Goal.objects.create(client=client, text={"text": text, "steps": steps}, created_by=actor)
    return goal


def ladder_save(*, actor: User, client: Membership, items: list[dict]) -> None:
    """Replace the ladder with `items` ({"id"?, "description", "suds"}), ordered as given; removed rungs are
    archived (practice logs keep pointing at them)."""
    with transaction.atomic():
        existing = {item.pk: item for item in LadderItem.objects.filter(client=client, archived=False)}
        kept = set()
        for position, data in enumerate(items):
            item = existing.get(data.get("id") or 0) or LadderItem(client=client)
            item.description, item.suds, item.position = data["description"], data["suds"], position
            item.updated_at = timezone.now()
            item.save()
            kept.add(item.pk)
        LadderItem.objects.filter(pk__in=set(existing) - kept).update(archived=True, updated_at=timezone.now())


def ladder_choices(client: Membership) -> dict[int, dict]:
    return {item.pk: item.as_choice() for item in LadderItem.objects.filter(client=client, archived=False)}


# --- Assignments ------------------------------------------------------------------------------------------------

CONTENT_LABELS = {
    "title": "Title",
    "instructions": "Instructions",
    "rationale": "Why this helps",
    "if_when": "When (after I…)",
    "if_then": "I will…",
    "minimum": "Minimum version",
    "coping": "What might come up",
    # A second version in the client's language (with `client_language`), shown instead when that is the reader's.
    "instructions_client": "Instructions in the client's language",
    "rationale_client": "Why this helps, in the client's language",
}
SCHEDULE_LABELS = {
    "minutes": "Time",
    "formats": "Answer formats",
    "schedule_kind": "Schedule",
    "weekdays": "Schedule",
    "times_per_week": "Schedule",
    "start_date": "Dates",
    "end_date": "Dates",
    "goal_id": "Goal",
    "template_version_id": "Worksheet version",
}


@dataclass
class AssignmentData:
    title: str
    instructions: str
    rationale: str
    minutes: int
    schedule_kind: str
    start_date: date
    end_date: date | None = None
    weekdays: list[int] = field(default_factory=list)
    times_per_week: int | None = None
    if_when: str = ""
    if_then: str = ""
    minimum: str = ""
    coping: str = ""
    formats: list[str] = field(default_factory=list)
    goal: Goal | None = None
    risk_alerts: bool = True
    risk_alerts_off_reason: str = ""
    instructions_client: str = ""
    rationale_client: str = ""
    client_language: str = ""

    def content(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in CONTENT_LABELS}


def _snapshot(assignment: Assignment) -> dict[str, Any]:
    return {
        **dict.fromkeys(CONTENT_LABELS, ""),  # a key added since the assignment was made is not a change
        **assignment.content,
        "minutes": assignment.minutes,
        "formats": assignment.formats,
        "schedule_kind": assignment.schedule_kind,
        "weekdays": assignment.weekdays,
        "times_per_week": assignment.times_per_week,
        "start_date": assignment.start_date.isoformat(),
        "end_date": assignment.end_date.isoformat() if assignment.end_date else None,
        "goal_id": assignment.goal_id,
        "template_version_id": assignment.template_version_id,
        "client_language": assignment.client_language,
    }


def assignment_create(
    *,
    therapist: Membership,
    client: Membership,
    version: TemplateVersion,
    data: AssignmentData,
    assigned_on: date | None = None,
) -> Assignment:
    """Assign a worksheet. `assigned_on` is the client's local today unless a record of an earlier session says
    otherwise (the demo's history): nothing before it ever falls due, so it is never missed."""
    with transaction.atomic():
        assignment = Assignment.objects.create(
            practice_id=client.practice_id,
            client=client,
            therapist=therapist,
            template_version=version,
            goal=data.goal,
            content=data.content(),
            minutes=data.minutes,
            formats=data.formats,
            schedule_kind=data.schedule_kind,
            weekdays=sorted(data.weekdays),
            times_per_week=data.times_per_week,
            start_date=data.start_date,
            end_date=data.end_date,
            assigned_on=assigned_on or local_today(client.user),
            client_language=data.client_language,
        )
        _risk_alerts_set(assignment, data, therapist.user)
        _announce(assignment)
        AssignmentRevision.objects.create(
            assignment=assignment,
            number=1,
            snapshot=_snapshot(assignment),
            created_by=therapist.user,
            seen_by_client_at=timezone.now(),
        )
        occurrences_refresh(client=client)
    return assignment


def _risk_alerts_set(assignment: Assignment, data: AssignmentData, actor: User) -> None:
    """Whether the worksheet's optional risk rules alert the therapist for this client; turning them off keeps the
    reason, who and when (rules marked "always", like PHQ-9 item 9, alert whatever this says)."""
    if data.risk_alerts == assignment.risk_alerts and data.risk_alerts_off_reason == assignment.risk_alerts_off_reason:
        return
    assignment.risk_alerts, assignment.risk_alerts_off_reason = data.risk_alerts, data.risk_alerts_off_reason
    assignment.risk_alerts_off_by = None if data.risk_alerts else actor
    assignment.risk_alerts_off_at = None if data.risk_alerts else timezone.now()
    assignment.save(update_fields=["risk_alerts", "risk_alerts_off_reason", "risk_alerts_off_by", "risk_alerts_off_at"])


def assignment_update(
    *, assignment: Assignment, actor: User, data: AssignmentData, version: TemplateVersion | None = None
) -> AssignmentRevision | None:
    """A new revision; past entries keep theirs. Open "not working" notices count as answered."""
    before = _snapshot(assignment)
    assignment.content = data.content()
    assignment.client_language = data.client_language
    assignment.goal = data.goal
    assignment.minutes, assignment.formats = data.minutes, data.formats
    assignment.schedule_kind, assignment.weekdays = data.schedule_kind, sorted(data.weekdays)
    assignment.times_per_week, assignment.start_date, assignment.end_date = (
        data.times_per_week,
        data.start_date,
        data.end_date,
    )
    if version is not None:
        assignment.template_version = version
    after = _snapshot(assignment)
    labels = {**CONTENT_LABELS, **SCHEDULE_LABELS, "client_language": "The client's language"}
    changed = sorted({labels[key] for key in after if after[key] != before.get(key)})
    _risk_alerts_set(assignment, data, actor)  # the therapist's own setting: no revision for the client to see
    if not changed:
        return None
    with transaction.atomic():
        assignment.revision += 1
        assignment.updated_at = timezone.now()
        assignment.save()
        revision = AssignmentRevision.objects.create(
            assignment=assignment, number=assignment.revision, snapshot=after, changed=changed, created_by=actor
        )
        if any(label in changed for label in ("Schedule", "Dates")):
            # Future occurrences follow the new schedule; the past stays as it happened.
            today = local_today(assignment.client.user)
            assignment.occurrences.filter(
                status=OccurrenceStatus.PENDING, due_date__gte=today, draft__isnull=True
            ).delete()
        Notice.objects.filter(assignment=assignment, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=actor, resolution="adjusted"
        )
        occurrences_refresh(client=assignment.client)
        _announce(assignment)
    return revision


def assignment_set_status(*, assignment: Assignment, actor: User, status: str) -> None:
    client = assignment.client
    today = local_today(client.user)
    with transaction.atomic():
        if status == AssignmentStatus.ACTIVE and assignment.status == AssignmentStatus.PAUSED:
            assignment.resumed_on = today
        assignment.status = status
        assignment.updated_at = timezone.now()
        assignment.save(update_fields=["status", "resumed_on", "updated_at"])
        if status != AssignmentStatus.ACTIVE:
            # Nothing is due while paused, completed or archived; unstarted future occurrences go away.
            assignment.occurrences.filter(
                status=OccurrenceStatus.PENDING, due_date__gte=today, draft__isnull=True
            ).delete()
        occurrences_refresh(client=client)
        _announce(assignment)


def _announce(assignment: Assignment) -> None:
    events.emit(
        events.ASSIGNMENT_CHANGED,
        practice_id=assignment.practice_id,
        assignment_id=assignment.pk,
        client_id=assignment.client.user_id,
    )


def revisions_unseen(client: Membership):
    return AssignmentRevision.objects.filter(
        assignment__client=client, seen_by_client_at__isnull=True, assignment__status=AssignmentStatus.ACTIVE
    ).select_related("assignment__template_version__template")  # the title in the reader's language


def revision_mark_seen(*, client: Membership, revision: AssignmentRevision) -> None:
    AssignmentRevision.objects.filter(pk=revision.pk, assignment__client=client).update(
        seen_by_client_at=timezone.now()
    )


# --- Occurrences -----------------------------------------------------------------------------------------------


# The next booked session lives in the review app, which imports homework (never the other way round): review
# registers how to look it up when it starts (ReviewConfig.ready). Without it, nothing is ever booked.
next_session_lookups: Registry[Callable[[Membership], date | None]] = Registry("next booked session")


def next_session_of(client: Membership) -> date | None:
    """The client's next booked session (their local date), or None when none is booked."""
    return next((day for lookup in next_session_lookups if (day := lookup(client)) is not None), None)


def occurrences_refresh(*, client: Membership, today: date | None = None) -> None:
    """Make the schedule concrete in the client's time zone: create what falls due up to a week ahead, and
    record as missed whatever passed without an answer. Idempotent; safe to run from any process.

    "Before each session" follows the booking: its occurrence is created only once its window (the days before
    the next booked session) has opened, so it is never answered a week early; when the session is rebooked or
    cancelled, a not-yet-started one goes and the new date gets its own. One the client has started stays where
    it is, answers and all."""
    today = today or local_today(client.user)
    horizon = today + timedelta(days=HORIZON_DAYS)
    assignments = list(Assignment.objects.filter(client=client, status=AssignmentStatus.ACTIVE))
    before_session = [a for a in assignments if a.schedule_kind == ScheduleKind.BEFORE_SESSION]
    next_session = next_session_of(client) if before_session else None
    window_end = today + timedelta(days=SESSION_WINDOW_DAYS - 1)  # due by then means its window is open today
    wanted = [
        Occurrence(assignment=assignment, client=client, due_date=due, slot=slot)
        for assignment in assignments
        for due, slot in (
            assignment.due_dates(today, window_end, next_session=next_session)
            if assignment in before_session
            else assignment.due_dates(assignment.start_date, horizon)
        )
    ]
    if before_session:
        # Each step is idempotent, so a refresh interrupted half-way is completed by the next one.
        Occurrence.objects.filter(
            assignment__in=before_session, status=OccurrenceStatus.PENDING, due_date__gte=today, draft__isnull=True
        ).exclude(due_date__in=[o.due_date for o in wanted if o.assignment in before_session]).delete()
    Occurrence.objects.bulk_create(wanted, ignore_conflicts=True)
    Occurrence.objects.filter(client=client, status=OccurrenceStatus.PENDING, due_date__lt=today).update(
        status=OccurrenceStatus.MISSED, credit=Decimal(0), closed_at=timezone.now()
    )
    ScheduleRefresh.objects.bulk_create(  # one upsert: two processes refreshing at once both succeed
        [ScheduleRefresh(client=client, day=today)],
        update_conflicts=True,
        unique_fields=["client"],
        update_fields=["day"],
    )


def occurrences_ensure(*, client: Membership, today: date | None = None) -> None:
    """For page views: refresh only when the client's day has rolled over since the last refresh (the planner
    usually got there first). A view of a day already refreshed only reads."""
    today = today or local_today(client.user)
    if not ScheduleRefresh.objects.filter(client=client, day=today).exists():
        occurrences_refresh(client=client, today=today)


# --- Drafts and entries -----------------------------------------------------------------------------------------


def draft_formats(draft: Draft) -> list[str]:
    """The answer formats open to this draft: what the assignment allows, or every one for free practice."""
    if draft.occurrence is not None:
        return draft.occurrence.assignment.formats
    return Format.values


def draft_for(*, client: Membership, occurrence: Occurrence | None, version: TemplateVersion) -> Draft:
    if occurrence is not None:
        draft, _created = Draft.objects.get_or_create(
            occurrence=occurrence, defaults={"client": client, "template_version": version}
        )
        return draft
    free = Draft.objects.filter(client=client, occurrence__isnull=True, template_version=version).first()
    return free or Draft.objects.create(client=client, occurrence=None, template_version=version)


class DraftGone(SubmissionError):
    """The draft was sent (and so deleted) by another request: a double-click, a retry, another device."""

    def __init__(self) -> None:
        super().__init__({"form": "This has already been sent. Thank you."})


def draft_save(*, draft: Draft, updates: dict[str, Any], step: int | None = None) -> Draft:
    """Merge what was typed into the draft. Nothing is validated here: a draft keeps even what is wrong.

    Two devices (or a tab's autosave and its Next) may save one draft at once, each with only the fields it
    changed: the merge happens on the row as it is now, under its lock (SQLite's IMMEDIATE transactions lock the
    whole database), so neither save loses the other's fields. Raises DraftGone if the draft was sent meanwhile."""
    with transaction.atomic():
        current = Draft.objects.select_for_update().filter(pk=draft.pk).first()
        if current is None:
            raise DraftGone()
        draft.raw = {**current.raw, **updates}
        if step is not None:
            draft.step = step
        draft.updated_at = timezone.now()
        draft.save(update_fields=["raw", "step", "updated_at"])
    return draft


def _barrier_spoken(value: str, attachments: list[int]) -> dict[str, int]:
    """ "What got in the way" as a voice note: one of this draft's own recordings (an id typed into the form is
    not one), or nothing."""
    return {"barrier_spoken": int(value)} if value.isdigit() and int(value) in attachments else {}


def entry_submit(*, draft: Draft, outcome: str | None = None) -> Entry:
    """Turn a draft into an entry. Done needs the worksheet's required answers; partial and skipped don't."""
    raw = dict(draft.raw)
    if outcome:
        raw["o-outcome"] = outcome
    client, occurrence = draft.client, draft.occurrence
    outcome_form, after_form = OutcomeForm(raw), AfterForm(raw)
    errors = {**outcome_form.named_errors(), **after_form.named_errors()}
    outcome_data = outcome_form.cleaned_data  # `outcome` is there whenever it is a known one, even with other errors
    attachments = list(draft.attachments.values_list("pk", flat=True))
    answers, answer_errors = worksheet.clean_answers(
        visible_schema(draft.template_version.schema, draft_formats(draft)),
        raw,
        require_complete=outcome_data.get("outcome") == Outcome.DONE,
        ladder=ladder_choices(client),
        attachments=attachments,
    )
    if outcome_data.get("outcome") == Outcome.SKIPPED:
        answer_errors = {}  # nothing is asked of a skipped occurrence; whatever was typed is still kept
    errors.update(answer_errors)
    if errors:
        raise SubmissionError(errors)
    if occurrence is not None and occurrence.is_answered:
        raise SubmissionError({"o-outcome": "This one has already been answered."})
    assignment = occurrence.assignment if occurrence else None
    spoken = _barrier_spoken(outcome_data["barrier_spoken"], attachments)
    with transaction.atomic():
        entry = Entry.objects.create(
            client=client,
            assignment=assignment,
            occurrence=occurrence,
            template_version=draft.template_version,
            revision=assignment.revision if assignment else None,
            outcome=outcome_data["outcome"],
            fraction=outcome_data["fraction"],
            barriers=outcome_data["barriers"],
            content={"answers": answers, "barrier_other": outcome_data["barrier_other"], **spoken},
            done_on=local_today(client.user),
            **after_form.entry_fields(),
        )
        if occurrence is not None:
            occurrence.status = outcome_data["outcome"]
            occurrence.credit = entry.credit()
            occurrence.closed_at = timezone.now()
            occurrence.save(update_fields=["status", "credit", "closed_at"])
        Attachment.objects.filter(pk__in=attachments).update(entry=entry, draft=None)
        draft.delete()
        # A private entry is announced too (the therapist's web page shows that it exists), by its id alone.
        events.emit(events.ENTRY_SUBMITTED, practice_id=client.practice_id, entry_id=entry.pk, client_id=client.user_id)
    return entry


def skip_occurrence(*, client: Membership, occurrence: Occurrence, barriers: list[str], other: str = "") -> Entry:
    draft = draft_for(client=client, occurrence=occurrence, version=occurrence.assignment.template_version)
    draft_save(draft=draft, updates={"o-outcome": Outcome.SKIPPED, "o-barriers": barriers, "o-barrier_other": other})
    return entry_submit(draft=draft)


def favourite_toggle(*, therapist: Membership, template: Template) -> bool:
    """Star or unstar a worksheet for this therapist; whether it is a favourite now."""
    removed, _created = Favourite.objects.filter(therapist=therapist, template=template).delete()
    if removed:
        return False
    Favourite.objects.get_or_create(therapist=therapist, template=template)
    return True


def welcome_dismiss(*, client: Membership) -> None:
    """The first-run welcome on Today goes for good (a second tap, from another tab, changes nothing)."""
    Welcome.objects.get_or_create(client=client)


# --- Speaking up and comments --------------------------------------------------------------------------------------


def notice_create(*, client: Membership, assignment: Assignment, reason: str, note: str) -> Notice:
    with transaction.atomic():
        notice = Notice.objects.create(assignment=assignment, client=client, reason=reason, note=note.strip())
        events.emit(
            events.NOTICE_CREATED,
            practice_id=client.practice_id,
            notice_id=notice.pk,
            assignment_id=assignment.pk,
            client_id=client.user_id,
        )
    return notice


def notice_resolve(*, notice: Notice, actor: User, resolution: str = "discussed") -> None:
    Notice.objects.filter(pk=notice.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor, resolution=resolution
    )


def entry_flags_clear(*, entries: list[int]) -> None:
    """The "talk about this next session" flags of these entries, talked about now (the review together)."""
    Entry.objects.filter(pk__in=entries).update(talk_next_session=False)


def comment_add(*, entry: Entry, author: User, text: str):
    from .models import Comment

    comment = Comment.objects.create(entry=entry, author=author, text=text.strip())
    return comment
