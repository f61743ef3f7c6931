"""Templates (versioned worksheets), assignments with revisions and schedules, occurrences, drafts, entries."""

from __future__ import annotations

import calendar
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from dateutil import rrule
from django.db import models
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from carryover.accounts.models import Membership, Practice, User
from carryover.lib.crypto import EncryptedJSONField
from carryover.lib.times import local_day

from . import overlay
from .fields import Format as Format  # its home is next to the field types that need each format
from .plans import minimum_text, plan_sentence, plan_when
from .schema import risk_fields

# --- Library --------------------------------------------------------------------------------------------


class TemplateKind(models.TextChoices):
    """Questionnaires (the standardised measures) are scheduled and answered like any worksheet, but they are not
    activities: answering one is not doing homework, so they never count towards activity adherence."""

    ACTIVITY = "activity", gettext_lazy("Activity")
    QUESTIONNAIRE = "questionnaire", gettext_lazy("Questionnaire")


class TemplateQuerySet(models.QuerySet["Template"]):
    def visible_to(self, therapist: Membership) -> TemplateQuerySet:
        """Built-ins, the therapist's own worksheets, and those shared within the practice."""
        return self.filter(
            Q(practice__isnull=True)
            | Q(practice_id=therapist.practice_id, owner_id=therapist.user_id)
            | Q(practice_id=therapist.practice_id, shared=True),
            archived=False,
        )


class Template(models.Model):
    key = models.SlugField(max_length=60, blank=True, help_text="Stable name of a built-in template.")
    practice = models.ForeignKey(Practice, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    shared = models.BooleanField(default=False, help_text="Other therapists in the practice can use it.")
    archived = models.BooleanField(default=False)
    kind = models.CharField(max_length=15, choices=TemplateKind.choices, default=TemplateKind.ACTIVITY)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TemplateQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=Q(practice__isnull=True), name="unique_builtin_key")
        ]

    def __str__(self) -> str:
        return self.key or f"template {self.pk}"

    @property
    def is_builtin(self) -> bool:
        return self.practice_id is None

    def latest_version(self) -> TemplateVersion:
        """Every template is created with its first version, in one transaction."""
        return self.versions.latest("number")


# The longest instructions and "why this helps" a worksheet can carry. The builder writes them and the assign form
# starts from them, so both forms use these: a worksheet saved at the builder's limit can still be assigned.
INSTRUCTIONS_MAX_LENGTH = 5000
RATIONALE_MAX_LENGTH = 3000


class TemplateVersion(models.Model):
    """An immutable version of a worksheet: entries are always read with the version they were written for."""

    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=60, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    instructions = models.TextField()
    rationale = models.TextField(help_text="Default “why this helps”.")
    minutes = models.PositiveSmallIntegerField(default=10)
    formats = models.JSONField(default=list, help_text="Answer formats this worksheet can take.")
    schema = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="unique_template_version")]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    @property
    def is_questionnaire(self) -> bool:
        """A standardised measure, answered one question per screen and scored: see `TemplateKind`."""
        return self.template.kind == TemplateKind.QUESTIONNAIRE

    @property
    def has_optional_risk_rules(self) -> bool:
        """Risk rules a therapist may turn off per client (with a reason); "always" rules are not theirs to."""
        return any(field["risk"].get("alert", "optional") == "optional" for field in risk_fields(self.schema))


# --- Goals and fear ladders ---------------------------------------------------------------------------------


class Goal(models.Model):
    client = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="goals")
    text = EncryptedJSONField(help_text="{'text': str, 'steps': [str]}")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    archived = models.BooleanField(default=False)

    @property
    def title(self) -> str:
        return self.text.get("text", "")

    @property
    def steps(self) -> list[str]:
        return self.text.get("steps", [])


class LadderItem(models.Model):
    """One rung of a client's fear ladder (exposure hierarchy), editable by the client and their therapist."""

    client = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="ladder_items")
    description = EncryptedJSONField()
    suds = models.PositiveSmallIntegerField(help_text="Expected distress, 0–100 SUDS.")
    position = models.PositiveSmallIntegerField(default=0)
    archived = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "suds", "id"]

    def as_choice(self) -> dict[str, Any]:
        return {"id": self.pk, "description": self.description, "suds": self.suds}


# --- Assignments ----------------------------------------------------------------------------------------------


# "Before each session": open on the days before the next booked session, due by the day before it.
SESSION_WINDOW_DAYS = 2


class ScheduleKind(models.TextChoices):
    ONCE = "once", gettext_lazy("Once, by a date")
    DAILY = "daily", gettext_lazy("Every day")
    WEEKDAYS = "weekdays", gettext_lazy("On chosen days")
    PER_WEEK = "per_week", gettext_lazy("A number of times a week")
    FORTNIGHT = (
        "fortnight",
        gettext_lazy("Every two weeks, on the starting day"),
    )  # e.g. a questionnaire between sessions
    # A questionnaire answered just before each session reads the client's state as the session will meet it.
    BEFORE_SESSION = (
        "session",
        lazy(lambda: _("Before each session (in the %(days)s days before it)") % {"days": SESSION_WINDOW_DAYS}, str)(),
    )


def due_before_session(session: date) -> date:
    return session - timedelta(days=1)


def open_days(kind: str, due: date) -> list[date]:
    """The local days an occurrence due on `due` can be done (and is reminded about): a "N times a week" slot all
    week up to its Sunday, a "before each session" one in the days before the session, any other on its day."""
    days = 7 if kind == ScheduleKind.PER_WEEK else SESSION_WINDOW_DAYS if kind == ScheduleKind.BEFORE_SESSION else 1
    return [due - timedelta(days=offset) for offset in reversed(range(days))]


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", gettext_lazy("Active")
    PAUSED = "paused", gettext_lazy("Paused")
    COMPLETED = "completed", gettext_lazy("Completed")
    ARCHIVED = "archived", gettext_lazy("Archived")


WEEKDAY_NAMES = list(calendar.day_abbr)  # Mon..Sun, index = date.weekday()


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def for_client(self, client: Membership) -> AssignmentQuerySet:
        return self.filter(client=client).exclude(status=AssignmentStatus.ARCHIVED)

    def activities(self) -> AssignmentQuerySet:
        """Assignments whose occurrences count towards adherence (as OccurrenceQuerySet.activities)."""
        return self.filter(template_version__template__kind=TemplateKind.ACTIVITY)


VERSION_TEXTS = {"title": "name", "instructions": "instructions", "rationale": "rationale"}  # assignment → version


class Assignment(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="assignments")
    therapist = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="assigned")
    template_version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="+")
    goal = models.ForeignKey(Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments")
    # The personal parts a therapist writes (title, instructions, why, plans) are clinical: encrypted.
    content = EncryptedJSONField()
    minutes = models.PositiveSmallIntegerField(default=10)
    formats = models.JSONField(default=list)
    schedule_kind = models.CharField(max_length=10, choices=ScheduleKind.choices)
    weekdays = models.JSONField(default=list, blank=True, help_text="0=Mon … 6=Sun")
    times_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="For “once”, the date it is due by.")
    # Nothing falls due before the client's day on which it was assigned: a start date in the past sets the rhythm
    # (which weekday, every other week) but never makes days nobody had asked for count as missed.
    assigned_on = models.DateField(null=True, blank=True, help_text="The client's local day it was assigned.")
    resumed_on = models.DateField(null=True, blank=True, help_text="Nothing falls due while paused.")
    status = models.CharField(max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.ACTIVE)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Optional risk rules of the worksheet (the DBT card's urges, a therapist's own risk questions) alert the
    # therapist unless turned off for this client, with a reason kept on record; the crisis lines are shown anyway.
    risk_alerts = models.BooleanField(default=True)
    risk_alerts_off_reason = EncryptedJSONField(default=str, blank=True)
    risk_alerts_off_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    risk_alerts_off_at = models.DateTimeField(null=True, blank=True)
    # The language of the therapist's second version of the instructions and "why this helps" (content keys
    # "instructions_client", "rationale_client"), shown instead when the reader's language is this one.
    client_language = models.CharField(max_length=10, blank=True, choices=[("es", "Español (Spanish)")])

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.shown("title")

    @property
    def instructions(self) -> str:
        return self.shown("instructions")

    @property
    def rationale(self) -> str:
        return self.shown("rationale")

    def shown(self, key: str, language: str | None = None) -> str:
        """The title, instructions or "why this helps" in the reader's language: the therapist's own version in
        that language if they wrote one; the built-in's translation while the text is still the worksheet's own
        words; otherwise as the therapist wrote it (homework/overlay.py). English readers cost no query."""
        text = self.c(key)
        reader = overlay.reader_language(language)
        if reader == overlay.reader_language("en"):
            return text
        if self.client_language and reader == self.client_language and self.c(f"{key}_client"):
            return self.c(f"{key}_client")
        return overlay.translated_text(self.template_version, VERSION_TEXTS[key], text, language)

    def c(self, key: str) -> str:
        return self.content.get(key, "")

    @property
    def plan(self) -> str:
        """The if-then plan as one sentence, however it was typed ("" without one): see homework/plans.py."""
        return plan_sentence(self.c("if_when"), self.c("if_then"))

    @property
    def plan_routine(self) -> str:
        return plan_when(self.c("if_when"))

    @property
    def minimum_version(self) -> str:
        return minimum_text(self.c("minimum"))

    @property
    def active_from(self) -> date:
        """The first day anything can fall due: the start, a resume, or the day it was assigned, if later."""
        return max(self.start_date, self.resumed_on or self.start_date, self.assigned_on or self.start_date)

    def due_dates(self, start: date, end: date, *, next_session: date | None = None) -> list[tuple[date, int]]:
        """(local due date, slot) pairs in [start, end]. A per-week assignment has N slots due by each week's end
        (its Sunday); a week the schedule covers only in part gets its share, rounded up. A "before each session"
        one is due the day before the next booked session (`next_session`), and nothing is due without one."""
        first = max(start, self.active_from)
        last = min(end, self.end_date) if self.end_date else end
        if self.schedule_kind == ScheduleKind.ONCE:
            due = self.end_date or self.start_date
            return [(due, 0)] if start <= due <= end and not (self.assigned_on and due < self.assigned_on) else []
        if self.schedule_kind == ScheduleKind.BEFORE_SESSION:
            by = due_before_session(next_session) if next_session is not None else None
            return [(by, 0)] if by is not None and first <= by <= last else []
        if first > last:
            return []
        if self.schedule_kind == ScheduleKind.PER_WEEK:
            return self._weekly_slots(first, last)
        return [(day, 0) for day in self._recurring_days(first, last)]

    def _recurring_days(self, first: date, last: date) -> list[date]:
        """The days due in [first, last] for the one-a-day kinds, as calendar recurrence rules (RFC 5545)."""
        if self.schedule_kind == ScheduleKind.WEEKDAYS:
            if not self.weekdays:  # an empty BYDAY would mean every day to rrule; here it means none
                return []
            rule = rrule.rrule(rrule.DAILY, byweekday=self.weekdays, dtstart=first, until=last)
        elif self.schedule_kind == ScheduleKind.FORTNIGHT:  # counted from the start date, not from `first`
            rule = rrule.rrule(rrule.WEEKLY, interval=2, dtstart=self.start_date, until=last)
        else:
            rule = rrule.rrule(rrule.DAILY, dtstart=first, until=last)
        return [moment.date() for moment in rule if moment.date() >= first]

    def _weekly_slots(self, first: date, last: date) -> list[tuple[date, int]]:
        # A week only partly inside the schedule (it starts on a Thursday, say) asks for a fair share of the N.
        active_from = self.active_from
        per_week = self.times_per_week or 1
        last_sunday = last + timedelta(days=6 - last.weekday())
        result = []
        for moment in rrule.rrule(rrule.WEEKLY, byweekday=rrule.SU, dtstart=first, until=last_sunday):
            week_end = moment.date()
            last_day = min(week_end, self.end_date) if self.end_date else week_end
            active_days = (last_day - max(week_end - timedelta(days=6), active_from)).days + 1
            result += [(week_end, slot) for slot in range(min(per_week, math.ceil(per_week * active_days / 7)))]
        return result

    def schedule_text(self) -> str:
        if self.schedule_kind == ScheduleKind.ONCE:
            return _("Once, by %(day)s") % {"day": date_format(self.end_date or self.start_date, "D j M")}
        if self.schedule_kind == ScheduleKind.DAILY:
            return _("Every day")
        if self.schedule_kind == ScheduleKind.WEEKDAYS:
            names = [date_format(date(2024, 1, 1 + d), "D") for d in sorted(self.weekdays)]  # 1 Jan 2024: a Monday
            return _("On %(days)s") % {"days": ", ".join(names)}
        if self.schedule_kind == ScheduleKind.FORTNIGHT:
            return _("Every other %(weekday)s") % {"weekday": date_format(self.start_date, "l")}
        if self.schedule_kind == ScheduleKind.BEFORE_SESSION:
            return _("Before each session (the %(days)s days before)") % {"days": SESSION_WINDOW_DAYS}
        return _("%(count)s times a week") % {"count": self.times_per_week}


class AssignmentRevision(models.Model):
    """What an assignment said at each revision; entries keep the revision they were written against."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    snapshot = EncryptedJSONField()
    changed = models.JSONField(default=list, help_text="Labels of what changed since the previous revision.")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    seen_by_client_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "number"], name="unique_assignment_revision")]
        ordering = ["number"]


# --- Occurrences, drafts, entries --------------------------------------------------------------------------


class Outcome(models.TextChoices):
    DONE = "done", gettext_lazy("Done")
    PARTIAL = "partial", gettext_lazy("Did part of it")
    SKIPPED = "skipped", gettext_lazy("Didn't get to it")


class OccurrenceStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("To do")
    DONE = "done", gettext_lazy("Done")
    PARTIAL = "partial", gettext_lazy("Did part of it")
    SKIPPED = "skipped", gettext_lazy("Didn't get to it")
    MISSED = "missed", gettext_lazy("Missed")


PARTIAL_FRACTIONS = {
    "0.25": gettext_lazy("About a quarter"),
    "0.50": gettext_lazy("About half"),
    "0.75": gettext_lazy("Most of it"),
}


class BarrierCode(models.TextChoices):
    FORGOT = "forgot", gettext_lazy("I forgot")
    NO_TIME = "no_time", gettext_lazy("No time or energy")
    UPSETTING = "upsetting", gettext_lazy("It felt too upsetting, or I avoided it")
    WONT_HELP = "wont_help", gettext_lazy("I didn't think it would help")
    UNSURE_HOW = "unsure_how", gettext_lazy("I wasn't sure how")
    PERFECTIONISM = "perfect", gettext_lazy("I wanted to do it perfectly")
    SELF_CRITICAL = "hard_on_self", gettext_lazy("I was hard on myself about it")
    POOR_FIT = "poor_fit", gettext_lazy("It didn't fit my life or goals")
    NO_SITUATION = "no_situation", gettext_lazy("The situation didn't come up")
    LIFE_EVENT = "life_event", gettext_lazy("Illness or a life event")
    OTHER = "other", gettext_lazy("Something else")


# --- The rules every page judges by --------------------------------------------------------------------------
# Each has one home, here, and every page that shows it (caseload, summary, insight, timeline, the client page,
# reminders) calls it: review/tests/test_one_definition.py feeds the same data through all of them.


def local_today(user: User, now: datetime | None = None) -> date:
    """A person's today: the calendar date in their own time zone (a client's days are what falls due, is missed
    and is reminded about; a therapist's, when their digest goes)."""
    return local_day(now or timezone.now(), user.zone)


def judged_status(status: str, due: date, today: date) -> str:
    """How an occurrence is judged on the client's `today`: still open from before it was missed, whether or not
    occurrences_refresh has recorded that yet; open on that day or later it is still open (not judged yet)."""
    return OccurrenceStatus.MISSED if status == OccurrenceStatus.PENDING and due < today else status


def adherence_of(credit: Decimal, judged: int) -> Decimal | None:
    """The one definition of adherence: the mean credit of the judged activities — done 1, partial its stated
    fraction (`Entry.credit`), skipped and missed 0 — to two places. None when nothing has been judged."""
    return (credit / judged).quantize(Decimal("0.01")) if judged else None


def barrier_label(code: str) -> str:
    """What a barrier code reads as; a code no longer offered reads as itself."""
    return str(BarrierCode(code).label) if code in BarrierCode.values else code


def barrier_counts(counts: Counter, n: int | None = None) -> list[tuple[str, int]]:
    """The `n` most common barriers (all without `n`), labelled, most common first."""
    return [(barrier_label(code), count) for code, count in counts.most_common(n)]


def each_clients_day(today: dict[int, date], condition: Callable[[date], Q]) -> Q:
    """`condition` on each client's own today (by membership id), as one filter. Clients share one of at most three
    dates at any moment (time zones span 26 hours), so the query stays the same size whatever the caseload."""
    clients: dict[date, list[int]] = defaultdict(list)
    for client_id, day in today.items():
        clients[day].append(client_id)
    result = Q(pk__in=[])  # no client: nothing
    for day, ids in clients.items():
        result |= Q(client_id__in=ids) & condition(day)
    return result


KIND_OF_OCCURRENCE = "assignment__template_version__template__kind"
CREDIT = Coalesce("credit", Value(Decimal(0)), output_field=models.DecimalField(max_digits=12, decimal_places=2))


def credit_sum(condition: Q | None = None) -> Sum:
    """Credit of the judged occurrences: a missed one not yet recorded has no credit yet, and counts 0."""
    return Sum(CREDIT, filter=condition, default=Decimal(0))


class OccurrenceQuerySet(models.QuerySet["Occurrence"]):
    def due_between(self, start: date, end: date) -> OccurrenceQuerySet:
        return self.filter(due_date__gte=start, due_date__lte=end)

    def activities(self, *, of_clients: Collection[int] | None = None) -> OccurrenceQuerySet:
        """What activity adherence is about: everything but questionnaires. Every adherence figure (caseload,
        summary, insight, the client page, the adherence-drop signal) starts here. Over a caseload, name its clients
        (membership ids): each of their assignments' kind is then looked up once (`AssignmentQuerySet.activities`,
        the same rule) rather than joined through three tables on every one of thousands of occurrences."""
        if of_clients is None:
            return self.filter(**{KIND_OF_OCCURRENCE: TemplateKind.ACTIVITY})
        return self.filter(assignment__in=Assignment.objects.filter(client_id__in=of_clients).activities())

    def questionnaires(self) -> OccurrenceQuerySet:
        """The measures, counted on their own: see `questionnaire_tallies`."""
        return self.filter(**{KIND_OF_OCCURRENCE: TemplateKind.QUESTIONNAIRE})

    def client_todays(self) -> dict[int, date]:
        """Each client's own today, for the clients of these occurrences (one query)."""
        clients = Membership.objects.filter(pk__in=self.values("client_id")).select_related("user")
        return {client.pk: local_today(client.user) for client in clients}

    def judged(self, today: dict[int, date]) -> OccurrenceQuerySet:
        """Those judged on each client's `today` (see `judged_status`): closed, or missed, recorded yet or not.
        Clients left out of `today` are left out."""
        return self.filter(each_clients_day(today, lambda day: ~Q(status=OccurrenceStatus.PENDING, due_date__gte=day)))

    def missed(self, today: dict[int, date]) -> OccurrenceQuerySet:
        """Those judged missed on each client's `today`, whether or not occurrences_refresh has recorded it yet."""
        return self.filter(
            each_clients_day(
                today,
                lambda day: Q(status=OccurrenceStatus.MISSED) | Q(status=OccurrenceStatus.PENDING, due_date__lt=day),
            )
        )

    def within_days(self, today: dict[int, date], days: int) -> OccurrenceQuerySet:
        """Due in the last `days` days up to each client's own today."""
        return self.filter(
            each_clients_day(today, lambda day: Q(due_date__gt=day - timedelta(days=days), due_date__lte=day))
        )

    def adherence(self, *, today: dict[int, date] | None = None) -> Decimal | None:
        """`adherence_of` these occurrences' activities, judged on each client's `today` (by default their today
        now). Still-open ones are not judged yet and are left out, and so are questionnaires."""
        judged = self.activities().judged(self.client_todays() if today is None else today)
        totals = judged.aggregate(credit=credit_sum(), judged=Count("id"))
        return adherence_of(totals["credit"], totals["judged"])

    def adherence_by_assignment(
        self, windows: dict[str, date], *, today: dict[int, date] | None = None
    ) -> dict[int, dict[str, Decimal | None]]:
        """adherence() per assignment for several windows at once ({"a7": first_day, ...}), in one query."""
        sums = {f"{name}_credit": credit_sum(Q(due_date__gte=start)) for name, start in windows.items()}
        counts = {f"{name}_judged": Count("id", filter=Q(due_date__gte=start)) for name, start in windows.items()}
        judged = self.activities().judged(self.client_todays() if today is None else today)
        rows = judged.values("assignment_id").annotate(**sums, **counts)
        return {
            row["assignment_id"]: {name: adherence_of(row[f"{name}_credit"], row[f"{name}_judged"]) for name in windows}
            for row in rows
        }

    def window_totals(
        self, today: dict[int, date], windows: dict[str, tuple[int, int]]
    ) -> dict[int, dict[str, tuple[Decimal, int]]]:
        """(credit, how many judged) of the activities per client for each window of days, in one query whatever
        the number of clients or days: `windows` maps a name to (from, to) days before each client's own today,
        both included ({"a7": (6, 0)} is the last seven days). The database adds up; `adherence_of` of a pair is
        the adherence over that window. Clients with nothing judged in any window are left out."""

        def within(days_back: tuple[int, int]) -> Q:
            first, last = (timedelta(days=n) for n in days_back)
            return each_clients_day(today, lambda day: Q(due_date__gte=day - first, due_date__lte=day - last))

        oldest = max(first for first, _ in windows.values())
        totals: dict[str, Sum | Count] = {}
        for name, days_back in windows.items():
            totals[f"{name}_credit"] = credit_sum(within(days_back))
            totals[f"{name}_judged"] = Count("id", filter=within(days_back))
        judged = self.activities(of_clients=list(today)).judged(today)
        rows = judged.filter(within((oldest, 0))).values("client_id").annotate(**totals)
        return {
            row["client_id"]: {name: (row[f"{name}_credit"], row[f"{name}_judged"]) for name in windows}
            for row in rows.order_by()
        }

    def questionnaire_tallies(self, key: str, *, today: dict[int, date], days: int | None = None) -> dict[int, Tally]:
        """Questionnaires answered of those due, grouped by `key` ("client_id" or "assignment_id"), in one query.
        `today` is each client's own today (by membership id): what falls due after it isn't due yet; the rest is
        judged as `judged_status` says. With `days`, only the last `days` days up to each client's own today count."""
        tallies: dict[int, Tally] = {}
        rows = (
            self.questionnaires().filter(client_id__in=today.keys()).values_list(key, "client_id", "due_date", "status")
        )
        for group, client_id, due, status in rows:
            own = today[client_id]
            if due > own or (days is not None and due <= own - timedelta(days=days)):
                continue
            tallies.setdefault(group, Tally()).count(judged_status(status, due, own))
        return tallies


@dataclass
class Tally:
    """How many questionnaires were answered of those due: shown on its own, beside activity adherence."""

    answered: int = 0
    due: int = 0  # answered, skipped, or passed without an answer
    open: int = 0  # due today and not answered yet: not judged

    def count(self, status: str) -> None:
        """Count one occurrence by its `judged_status`."""
        if status == OccurrenceStatus.PENDING:
            self.open += 1
            return
        self.due += 1
        self.answered += status in (OccurrenceStatus.DONE, OccurrenceStatus.PARTIAL)

    def __bool__(self) -> bool:
        return bool(self.due or self.open)

    def __str__(self) -> str:
        text = ngettext(
            "%(answered)s of %(due)s questionnaire answered",
            "%(answered)s of %(due)s questionnaires answered",
            self.due,
        ) % {"answered": self.answered, "due": self.due}
        if not self.open:
            return text
        return ngettext("%(text)s, %(open)s still open", "%(text)s, %(open)s still open", self.open) % {
            "text": text,
            "open": self.open,
        }


class ScheduleRefresh(models.Model):
    """The client's local day for which their occurrences were last made concrete (services.occurrences_refresh).

    Every change to a schedule refreshes at once (assigning, revising, pausing, booking a session); otherwise
    only the day rolling over in the client's time zone changes what exists. So a page view refreshes at most
    once per client and local day, and every later view of that day only reads."""

    client = models.OneToOneField(Membership, on_delete=models.CASCADE, primary_key=True, related_name="+")
    day = models.DateField()


class Occurrence(models.Model):
    """One time something is due, on a local date in the client's time zone."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="occurrences")
    client = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="occurrences")
    due_date = models.DateField()
    slot = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=OccurrenceStatus.choices, default=OccurrenceStatus.PENDING)
    credit = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "due_date", "slot"], name="unique_occurrence"),
        ]
        indexes = [models.Index(fields=["client", "due_date"]), models.Index(fields=["status", "due_date"])]
        ordering = ["due_date", "slot", "id"]

    @property
    def is_open(self) -> bool:
        return self.status == OccurrenceStatus.PENDING

    @property
    def is_answered(self) -> bool:
        """An entry has closed it. One that passed without an answer (missed) can still be answered late."""
        return self.status not in (OccurrenceStatus.PENDING, OccurrenceStatus.MISSED)

    def opens_on(self) -> date:
        """The first day it can be done (reads the assignment: select it with the occurrence)."""
        return open_days(self.assignment.schedule_kind, self.due_date)[0]

    def start_url(self) -> str:
        """The page Start opens (reads the version: select it with the occurrence). A questionnaire has its own flow,
        one question per screen (`measures/flow.py`): linked straight to it, so the copy a phone keeps for no signal
        is the page the link opens (a redirect cannot be followed offline)."""
        name = "measure_do" if self.assignment.template_version.is_questionnaire else "occurrence_do"
        return reverse(name, args=[self.pk])


class Visibility(models.TextChoices):
    SHARED = "shared", gettext_lazy("Shared with my therapist")
    PRIVATE = "private", gettext_lazy("Private (only me)")


class Entry(models.Model):
    """What a client submitted: an occurrence's outcome (with answers), or a skill practised on their own."""

    # In the order they were done: by day, then as sent, then as saved (two sends can share a timestamp, and the
    # database then returns them in any order: "the peak came down from 80 to 45" must not read backwards).
    DONE_ORDER = ("done_on", "submitted_at", "pk")

    client = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="entries")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="entries")
    occurrence = models.OneToOneField(Occurrence, null=True, blank=True, on_delete=models.CASCADE, related_name="entry")
    template_version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    fraction = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    barriers = models.JSONField(default=list, blank=True)
    # Everything the client wrote: worksheet answers, the "other" barrier, free practice notes.
    content = EncryptedJSONField(default=dict)
    minutes_spent = models.PositiveSmallIntegerField(null=True, blank=True)
    helpfulness = models.PositiveSmallIntegerField(null=True, blank=True)
    difficulty = models.PositiveSmallIntegerField(null=True, blank=True)
    mood_before = models.PositiveSmallIntegerField(null=True, blank=True)
    mood_after = models.PositiveSmallIntegerField(null=True, blank=True)
    talk_next_session = models.BooleanField(default=False)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.SHARED)
    done_on = models.DateField(help_text="The client's local date the practice happened.")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["client", "submitted_at"]),
            # The session-prep summary and the timeline read a client's entries by the local day they happened.
            models.Index(fields=["client", "done_on"], name="homework_entry_client_done_on"),
        ]
        ordering = ["-submitted_at"]

    @property
    def is_private(self) -> bool:
        return self.visibility == Visibility.PRIVATE

    @property
    def answers(self) -> dict[str, Any]:
        return self.content.get("answers", {})

    def credit(self) -> Decimal:
        """Adherence credit: 1 for done, the stated fraction for partial, 0 for skipped."""
        if self.outcome == Outcome.DONE:
            return Decimal("1.00")
        if self.outcome == Outcome.PARTIAL:
            return self.fraction or Decimal("0.50")
        return Decimal("0.00")

    def barrier_labels(self) -> list[str]:
        return [barrier_label(code) for code in self.barriers]


class Draft(models.Model):
    """What a client has typed so far, saved as they type; one per occurrence (or per free practice log)."""

    client = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="drafts")
    occurrence = models.OneToOneField(Occurrence, null=True, blank=True, on_delete=models.CASCADE, related_name="draft")
    template_version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="+")
    raw = EncryptedJSONField(default=dict, help_text="Form input exactly as typed, valid or not.")
    step = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)


class AttachmentKind(models.TextChoices):
    DRAWING = "drawing", gettext_lazy("Drawing")
    PHOTO = "photo", gettext_lazy("Photo")
    AUDIO = "audio", gettext_lazy("Voice recording")


class Attachment(models.Model):
    """A drawing, photo or recording, encrypted on disk and only served through an access-checked view."""

    client = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="attachments")
    draft = models.ForeignKey(Draft, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    field_key = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=AttachmentKind.choices)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    path = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)


class NoticeReason(models.TextChoices):
    TOO_HARD = "too_hard", gettext_lazy("It's too hard")
    NOT_HELPFUL = "not_helpful", gettext_lazy("It isn't helping")
    UNCLEAR = "unclear", gettext_lazy("It isn't clear what to do")
    TOO_LONG = "too_long", gettext_lazy("It takes too long")
    OTHER = "other", gettext_lazy("Something else")


class Notice(models.Model):
    """“This isn't working for me” on an assignment: an alert for the therapist until they act on it."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="notices")
    client = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="notices")
    reason = models.CharField(max_length=20, choices=NoticeReason.choices)
    note = EncryptedJSONField(default=str)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolution = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-created_at"]


class Comment(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    text = EncryptedJSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]


class Favourite(models.Model):
    """A worksheet a therapist keeps at the top of their library and of each client's "Assign" list."""

    therapist = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="favourites")
    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["therapist", "template"], name="unique_favourite")]


class Welcome(models.Model):
    """A client dismissed the first-run welcome on Today: it never comes back."""

    client = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="welcome")
    dismissed_at = models.DateTimeField(default=timezone.now)


def local_day_bounds(day: date, user: User) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, user.zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, user.zone)


class OfflineSubmission(models.Model):
    """Answers a client typed with no signal, sent later by their phone under a key the phone made for them.

    The phone may send one submission several times (the page and Background Sync both trying, a lost reply): the
    first one is applied and its result kept here, and every replay of the key gets that result, so nothing is
    saved or sent twice. The result holds what the phone is told (status, message, where to go), never answers."""

    key = models.UUIDField(unique=True)
    client = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    occurrence = models.ForeignKey(Occurrence, null=True, on_delete=models.SET_NULL, related_name="+")
    result = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)
