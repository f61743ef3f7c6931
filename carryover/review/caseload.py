"""The therapist's caseload: every client with adherence, last activity, next session, and the signals that
say who needs attention first.

Signals come from the providers registered in `extensions.caseload_signals`, each a function of the whole caseload
that returns signals per client with a constant number of queries (one, usually), so the page costs the same for 5
clients or 60. The built-ins below register there like any other app's (the measures app: open risk alerts with
level "risk", which sort above everything, and worsening scores).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from carryover.accounts.models import Membership
from carryover.homework.models import Entry, Notice, Occurrence, Tally, Visibility, adherence_of, local_today

from .extensions import CaseloadContext, ClientLink, Signal, caseload_signals, links_for
from .models import ReviewSettings, Session

LEVEL_ORDER = {"risk": 0, "alert": 1, "info": 2}
HISTORY_DAYS = 30
FLAGGED_LOOKBACK_DAYS = 60  # "talk about this" since the last session, looking back at most this far
DROP_MIN = Decimal("0.30")  # last 7 days this far below the 3 weeks before counts as a drop


def adherence(daily: dict[date, tuple[Decimal, int]], first: date, last: date) -> Decimal | None:
    """`adherence_of` the activities due in [first, last], from the caseload's `OccurrenceQuerySet.daily_credit`."""
    days = [counts for day, counts in daily.items() if first <= day <= last]
    return adherence_of(sum((credit for credit, _ in days), Decimal(0)), sum(judged for _, judged in days))


# --- The built-in signals -------------------------------------------------------------------------------------


def notices_signal(ctx: CaseloadContext) -> dict[int, list[Signal]]:
    rows = (
        Notice.objects.filter(client_id__in=ctx.ids, resolved_at__isnull=True)
        .values("client_id")
        .annotate(n=Count("id"))
    )
    return {
        r["client_id"]: [Signal("notice", f"“Not working” ({r['n']})" if r["n"] > 1 else "“Not working”", 30)]
        for r in rows
    }


def flagged_signal(ctx: CaseloadContext) -> dict[int, list[Signal]]:
    oldest = min(ctx.today.values(), default=timezone.now().date()) - timedelta(days=FLAGGED_LOOKBACK_DAYS)
    rows = Entry.objects.filter(
        client_id__in=ctx.ids, talk_next_session=True, visibility=Visibility.SHARED, done_on__gte=oldest
    ).values_list("client_id", "done_on")
    counts: dict[int, int] = defaultdict(int)
    for client_id, done_on in rows:
        since = ctx.last_session.get(client_id)
        if since is None or done_on >= since:
            counts[client_id] += 1
    return {cid: [Signal("flagged", f"{n} to talk about", 20 + min(n, 5), "alert")] for cid, n in counts.items()}


def quiet_signal(ctx: CaseloadContext) -> dict[int, list[Signal]]:
    result = {}
    now = timezone.now()
    for client_id in ctx.ids:
        last = ctx.last_activity.get(client_id)
        if last is None:
            result[client_id] = [Signal("quiet", "No activity yet", 5, "info")]
        elif (days := (now - last).days) >= ctx.quiet_days:
            result[client_id] = [Signal("quiet", f"Quiet for {days} days", 10 + min(days, 30) // 3, "alert")]
    return result


def drop_signal(ctx: CaseloadContext) -> dict[int, list[Signal]]:
    result = {}
    for client_id in ctx.ids:
        today, daily = ctx.today[client_id], ctx.daily.get(client_id, {})
        recent = adherence(daily, today - timedelta(days=6), today)
        before = adherence(daily, today - timedelta(days=27), today - timedelta(days=7))
        if recent is not None and before is not None and before - recent >= DROP_MIN:
            text = f"Adherence down {int((before - recent) * 100)} points"
            result[client_id] = [Signal("drop", text, 15 + int((before - recent) * 20))]
    return result


caseload_signals.register(notices_signal, kinds={"notice": "“Not working” notices"})
caseload_signals.register(flagged_signal, kinds={"flagged": "Entries to talk about"})
caseload_signals.register(quiet_signal, kinds={"quiet": "Quiet (no recent activity)"})
caseload_signals.register(drop_signal, kinds={"drop": "Adherence dropping"})


# --- The caseload ---------------------------------------------------------------------------------------------


@dataclass
class CaseloadRow:
    client: Membership
    a7: Decimal | None
    a30: Decimal | None
    last_activity: datetime | None
    last_session: date | None
    next_session: date | None
    questionnaires: Tally = field(default_factory=Tally)  # over the last 30 days, apart from adherence
    signals: list[Signal] = field(default_factory=list)

    @property
    def links(self) -> list[ClientLink]:
        """What other apps offer beside the client's name ("Review with …"); no query."""
        return links_for(self.client)

    @property
    def score(self) -> int:
        return sum(s.weight for s in self.signals)

    @property
    def top_level(self) -> int:
        return min((LEVEL_ORDER.get(s.level, 9) for s in self.signals), default=9)

    def sort_key(self) -> tuple:
        # Risk first whatever else; then the most attention needed; then the lowest recent adherence.
        a7 = self.a7 if self.a7 is not None else Decimal(2)
        return (self.top_level, -self.score, a7, self.client.user.display_name.lower())


def _annotated(clients: QuerySet[Membership]) -> QuerySet[Membership]:
    sessions = Session.objects.filter(client=OuterRef("pk")).order_by("-date", "-id")
    latest_entry = Entry.objects.filter(client=OuterRef("pk")).order_by("-submitted_at")
    return clients.annotate(
        last_session=Subquery(sessions.values("date")[:1]),
        next_session=Subquery(sessions.values("next_date")[:1]),
        last_activity=Subquery(latest_entry.values("submitted_at")[:1]),
    )


def caseload_rows(therapist: Membership, clients: QuerySet[Membership], *, search: str = "") -> list[CaseloadRow]:
    if search:
        clients = clients.filter(Q(user__name__icontains=search) | Q(user__email__icontains=search))
    members = list(_annotated(clients))
    if not members:
        return []
    today = {m.pk: local_today(m.user) for m in members}
    earliest = min(today.values()) - timedelta(days=HISTORY_DAYS - 1)
    daily = Occurrence.objects.filter(due_date__gte=earliest, due_date__lte=max(today.values())).daily_credit(today)
    questionnaires = Occurrence.objects.filter(due_date__gte=earliest).questionnaire_tallies(
        "client_id", today=today, days=HISTORY_DAYS
    )
    ctx = CaseloadContext(
        therapist=therapist,
        ids=list(today),
        today=today,
        last_session={m.pk: m.last_session for m in members},  # type: ignore[attr-defined]
        last_activity={m.pk: m.last_activity for m in members},  # type: ignore[attr-defined]
        daily=daily,
        quiet_days=ReviewSettings.quiet_days_for(therapist.practice_id),
    )
    signals: dict[int, list[Signal]] = defaultdict(list)
    for provider in caseload_signals:
        for client_id, found in provider(ctx).items():
            signals[client_id] += found
    result = []
    for m in members:
        d = daily.get(m.pk, {})
        t = today[m.pk]
        result.append(
            CaseloadRow(
                client=m,
                a7=adherence(d, t - timedelta(days=6), t),
                a30=adherence(d, t - timedelta(days=29), t),
                questionnaires=questionnaires.get(m.pk, Tally()),
                last_activity=m.last_activity,  # type: ignore[attr-defined]
                last_session=m.last_session,  # type: ignore[attr-defined]
                next_session=m.next_session if m.next_session and m.next_session >= t else None,  # type: ignore[attr-defined]
                signals=sorted(signals.get(m.pk, []), key=lambda s: (LEVEL_ORDER.get(s.level, 9), -s.weight)),
            )
        )
    return sorted(result, key=CaseloadRow.sort_key)


def filter_rows(rows: list[CaseloadRow], show: str) -> list[CaseloadRow]:
    if show == "attention":
        return [r for r in rows if r.signals]
    if show in caseload_signals.kinds:
        return [r for r in rows if any(s.kind == show for s in r.signals)]
    return rows
