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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from carryover.accounts.models import Membership
from carryover.homework.models import Entry, Notice, Occurrence, Tally, Visibility, adherence_of, local_today

from .extensions import CaseloadContext, ClientLink, Signal, caseload_signals, links_for
from .models import ReviewSettings, Session

LEVEL_ORDER = {"risk": 0, "alert": 1, "info": 2}
HISTORY_DAYS = 30
FLAGGED_LOOKBACK_DAYS = 60  # "talk about this" since the last session, looking back at most this far
DROP_MIN = Decimal("0.30")  # last 7 days this far below the 3 weeks before counts as a drop


# The windows of days before each client's own today (from, to; both included) the caseload shows adherence for:
# the last 7 and 30 days, and the three weeks before the last 7 (what a drop is measured against).
WINDOWS = {"a7": (6, 0), "a30": (29, 0), "before": (27, 7)}


def adherence_windows(today: dict[int, date]) -> dict[int, dict[str, Decimal | None]]:
    """`adherence_of` each client's activities over each of WINDOWS, added up by the database in one query."""
    totals = Occurrence.objects.window_totals(today, WINDOWS)
    empty = dict.fromkeys(WINDOWS, (Decimal(0), 0))
    return {cid: {name: adherence_of(*pair) for name, pair in totals.get(cid, empty).items()} for cid in today}


# --- The built-in signals -------------------------------------------------------------------------------------


def notices_signal(ctx: CaseloadContext) -> dict[int, list[Signal]]:
    rows = (
        Notice.objects.filter(client_id__in=ctx.ids, resolved_at__isnull=True)
        .values("client_id")
        .annotate(n=Count("id"))
    )

    def label(n: int) -> str:
        return _("“Not working” (%(n)s)") % {"n": n} if n > 1 else _("“Not working”")

    return {r["client_id"]: [Signal("notice", label(r["n"]), 30)] for r in rows}


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
    return {
        cid: [
            Signal(
                "flagged", ngettext("%(n)s to talk about", "%(n)s to talk about", n) % {"n": n}, 20 + min(n, 5), "alert"
            )
        ]
        for cid, n in counts.items()
    }


def quiet_signal(ctx: CaseloadContext) -> dict[int, list[Signal]]:
    result = {}
    now = timezone.now()
    for client_id in ctx.ids:
        last = ctx.last_activity.get(client_id)
        if last is None:
            result[client_id] = [Signal("quiet", _("No activity yet"), 5, "info")]
        elif (days := (now - last).days) >= ctx.quiet_days:
            result[client_id] = [
                Signal(
                    "quiet",
                    ngettext("Quiet for %(days)s day", "Quiet for %(days)s days", days) % {"days": days},
                    10 + min(days, 30) // 3,
                    "alert",
                )
            ]
    return result


def drop_signal(ctx: CaseloadContext) -> dict[int, list[Signal]]:
    result = {}
    for client_id in ctx.ids:
        windows = ctx.adherence.get(client_id, {})
        recent, before = windows.get("a7"), windows.get("before")
        if recent is not None and before is not None and before - recent >= DROP_MIN:
            text = _("Adherence down %(points)s points") % {"points": int((before - recent) * 100)}
            result[client_id] = [Signal("drop", text, 15 + int((before - recent) * 20))]
    return result


caseload_signals.register(notices_signal, kinds={"notice": gettext_lazy("“Not working” notices")})
caseload_signals.register(flagged_signal, kinds={"flagged": gettext_lazy("Entries to talk about")})
caseload_signals.register(quiet_signal, kinds={"quiet": gettext_lazy("Quiet (no recent activity)")})
caseload_signals.register(drop_signal, kinds={"drop": gettext_lazy("Adherence dropping")})


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
    adherence = adherence_windows(today)
    questionnaires = Occurrence.objects.filter(due_date__gte=earliest).questionnaire_tallies(
        "client_id", today=today, days=HISTORY_DAYS
    )
    ctx = CaseloadContext(
        therapist=therapist,
        ids=list(today),
        today=today,
        last_session={m.pk: m.last_session for m in members},  # type: ignore[attr-defined]
        last_activity={m.pk: m.last_activity for m in members},  # type: ignore[attr-defined]
        adherence=adherence,
        quiet_days=ReviewSettings.quiet_days_for(therapist.practice_id),
    )
    signals: dict[int, list[Signal]] = defaultdict(list)
    for provider in caseload_signals:
        for client_id, found in provider(ctx).items():
            signals[client_id] += found
    result = []
    for m in members:
        t = today[m.pk]
        result.append(
            CaseloadRow(
                client=m,
                a7=adherence[m.pk]["a7"],
                a30=adherence[m.pk]["a30"],
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
