"""What a support person sees: built here, once, for their page and for the client's live preview alike.

`Scope` is what the client chose (saved, or still being edited in the preview); `shared_view` turns a scope into
the few facts the support person is shown, and `support/_shared.html` is the only template that draws them. The
support person's page passes the saved scope, the client's settings page the unsaved one, so the preview is
exactly what the other person sees (tests/test_preview.py compares the two).

What can appear: the client's first name; for the last seven days, whether anything was done each day (no count,
no streak); for each chosen assignment, its library name and whether it was done, partly done or not (yet)
today; the text answers of entries the client picked; the nudge time; that the client named them as someone to
ask for help. What cannot: the therapist's words (title, instructions, why), barriers, moods, ratings, comments,
measures, alerts, the safety plan, private entries, pictures and recordings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from carryover.accounts.models import Membership
from carryover.homework.models import Assignment, Entry, Outcome, TemplateKind, Visibility, local_today
from carryover.homework.render import display_answers

from .models import SupportLink, SupportPolicy

DAYS = 7
MEDIA_FIELDS = frozenset({"drawing", "photo", "audio"})  # files are never shown outside the care relationship


@dataclass(frozen=True)
class Scope:
    share_days: bool = False
    assignment_ids: frozenset[int] = frozenset()
    entry_ids: frozenset[int] = frozenset()
    nudge_at: time | None = None
    named_in_safety_plan: bool = False
    minimum_days: bool = False  # a guardian's therapist-set minimum, on top of what the client chose
    minimum_completion: bool = False

    @classmethod
    def of(cls, link: SupportLink, policy: SupportPolicy | None = None) -> Scope:
        """The saved scope of a link, with the therapist's minimum for a guardian of a minor."""
        minimum = policy if link.is_guardian and policy is not None and policy.has_minimum else None
        return cls(
            share_days=link.share_days,
            assignment_ids=frozenset(a.pk for a in link.assignments.all()),
            entry_ids=frozenset(e.pk for e in link.entries.all()),
            nudge_at=link.nudge_at,
            named_in_safety_plan=link.named_in_safety_plan,
            minimum_days=bool(minimum and minimum.min_days),
            minimum_completion=bool(minimum and minimum.min_completion),
        )

    def paused(self) -> Scope:
        """A paused link shares nothing but a guardian's minimum."""
        return Scope(minimum_days=self.minimum_days, minimum_completion=self.minimum_completion)


@dataclass(frozen=True)
class Day:
    date: date
    active: bool


@dataclass(frozen=True)
class Completion:
    name: str
    status: str  # "done", "part" or "not today"


@dataclass(frozen=True)
class SharedEntry:
    name: str
    done_on: date
    outcome: str
    steps: list[dict]


@dataclass
class SharedView:
    first_name: str
    today: date
    paused: bool = False
    days: list[Day] = field(default_factory=list)
    completions: list[Completion] = field(default_factory=list)
    entries: list[SharedEntry] = field(default_factory=list)
    nudge_at: time | None = None
    named_in_safety_plan: bool = False

    @property
    def shares_anything(self) -> bool:
        return bool(self.days or self.completions or self.entries or self.nudge_at or self.named_in_safety_plan)


def shareable_assignments(client: Membership):
    """The client's current activities (not questionnaires: measures are never shared)."""
    return (
        Assignment.objects.for_client(client)
        .activities()
        .select_related("template_version")
        .order_by("created_at", "id")
    )


def shareable_entries(client: Membership, today: date):
    """Entries the client may pick one by one: their own activities of the last 30 days, never a private one."""
    return (
        Entry.objects.filter(client=client, done_on__gte=today - timedelta(days=30))
        .exclude(visibility=Visibility.PRIVATE)
        .filter(template_version__template__kind=TemplateKind.ACTIVITY)
        .exclude(outcome=Outcome.SKIPPED)  # a skipped entry says only what got in the way: never shareable
        .select_related("template_version")
    )


def shared_view(client: Membership, scope: Scope, *, paused: bool = False) -> SharedView:
    """The facts a support person is shown for this scope (a constant number of queries)."""
    today = local_today(client.user)
    if paused:
        scope = scope.paused()
    view = SharedView(first_name=client.user.first_name, today=today, paused=paused)
    if scope.share_days or scope.minimum_days:
        view.days = active_days(client, today)
    if scope.assignment_ids or scope.minimum_completion:
        view.completions = completions(client, today, None if scope.minimum_completion else scope.assignment_ids)
    if scope.entry_ids:
        view.entries = [
            SharedEntry(
                name=entry.template_version.name,
                done_on=entry.done_on,
                outcome=str(Outcome(entry.outcome).label),
                steps=text_answers(entry),
            )
            for entry in shareable_entries(client, today).filter(pk__in=scope.entry_ids).order_by("-done_on")
        ]
    view.nudge_at = scope.nudge_at
    view.named_in_safety_plan = scope.named_in_safety_plan
    return view


def activity_entries():
    """Every activity entry that counts as doing something: done or part of it (never a questionnaire). The one
    definition behind the week of days a support person sees and whether a nudge is needed."""
    return Entry.objects.filter(
        outcome__in=[Outcome.DONE, Outcome.PARTIAL], template_version__template__kind=TemplateKind.ACTIVITY
    )


def started_on(days: dict[int, date]) -> set[int]:
    """Of these clients (membership id → their local today), those who have done something that day (one query)."""
    rows = activity_entries().filter(client_id__in=days, done_on__in=set(days.values()))
    return {client_id for client_id, day in rows.values_list("client_id", "done_on") if days[client_id] == day}


def active_days(client: Membership, today: date) -> list[Day]:
    first = today - timedelta(days=DAYS - 1)
    rows = activity_entries().filter(client=client, done_on__gte=first, done_on__lte=today)
    done = set(rows.values_list("done_on", flat=True))
    return [Day(first + timedelta(days=n), first + timedelta(days=n) in done) for n in range(DAYS)]


def completions(client: Membership, today: date, ids: frozenset[int] | None) -> list[Completion]:
    """Done / part / not today for the chosen assignments (None: every current activity, a guardian's minimum).
    A skipped entry reads as "not today", like no entry: why it was skipped stays between client and therapist."""
    assignments = shareable_assignments(client)
    if ids is not None:
        assignments = assignments.filter(pk__in=ids)
    best: dict[int, str] = {}
    for assignment_id, outcome in (
        Entry.objects.filter(client=client, done_on=today, assignment__in=assignments)
        .exclude(outcome=Outcome.SKIPPED)
        .values_list("assignment_id", "outcome")
    ):
        if best.get(assignment_id) != Outcome.DONE:
            best[assignment_id] = outcome
    labels: dict[str, str] = {Outcome.DONE: "done", Outcome.PARTIAL: "part"}
    return [Completion(a.template_version.name, labels.get(best.get(a.pk, ""), "not today")) for a in assignments]


def text_answers(entry: Entry) -> list[dict]:
    """An entry's answers, step by step, without pictures or recordings."""
    steps = []
    for step in display_answers(entry.template_version.schema, entry.answers):
        items = [item for item in step["items"] if item["field"].get("type") not in MEDIA_FIELDS]
        if items:
            steps.append({**step, "items": items})
    return steps


def answer_text(item: dict) -> str:
    """One shared answer as plain text, as `support/_shared.html` draws it (a list's rows joined by "; ")."""
    value = item["value"]
    if item["field"].get("type") in ("list", "rerate"):
        return "; ".join(str(row.get("text", "")) for row in value or [])
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)
