"""The review-together app's additions to other apps' pages, registered from `TogetherConfig.ready()`:
"Review with …" beside each client and "Review in progress" among its caseload signals, the client's "What we
agreed" card and confidence check, confidence beside completion (client page and summary), the therapist's review
checklist, and two tables on the insight page.

Each is called after the page's view has fetched, and audited, what the page is about; none runs an access helper
or more than a constant number of queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from carryover.accounts.models import Membership
from carryover.homework.models import Assignment, AssignmentRevision, AssignmentStatus, local_today
from carryover.lib.extensions import Panel, register_panel
from carryover.lib.types import AuthedRequest
from carryover.review.extensions import (
    CaseloadContext,
    ClientLink,
    InsightTable,
    Signal,
    SummarySection,
    caseload_signals,
    client_links,
    insight_tables,
    summary_sections,
)
from carryover.review.windows import Window

from . import agreed
from .models import Conversation, ConversationStatus, Step

CLIENT_PAGE_DAYS = 30


def review_link(client: Membership) -> ClientLink:
    return ClientLink(gettext("Review with"), reverse("together_start", args=[client.user_id]))


# A draft left half-way, waiting to be finished.
DRAFT_SIGNAL = Signal("review", gettext_lazy("Review in progress"), 8, "info")


def draft_signal(ctx: CaseloadContext) -> dict[int, list[Signal]]:
    """A review started and not finished (left half-way): one query for the whole caseload."""
    drafts = Conversation.objects.filter(client_id__in=ctx.ids, status=ConversationStatus.DRAFT)
    return {client_id: [DRAFT_SIGNAL] for client_id in drafts.values_list("client_id", flat=True)}


# --- The client's pages -------------------------------------------------------------------------------------------


def unchecked(client: Membership) -> list[Assignment]:
    """Active activities sent between sessions that the client hasn't been asked about yet (two queries)."""
    agreed_ids = Step.objects.filter(result__client=client).values("result_id")
    return list(
        Assignment.objects.for_client(client)
        .activities()
        .filter(status=AssignmentStatus.ACTIVE, confidence_checks__isnull=True)
        .exclude(pk__in=agreed_ids)
        .select_related("template_version__template")  # its title in the reader's language (homework/overlay.py)
        .order_by("-created_at")
    )


def today_panel(*, request: AuthedRequest, client: Membership) -> Panel | None:
    """ "What we agreed on <day>" until the next review, and one confidence question about something new."""
    last = Conversation.objects.latest_finished(client)
    lines = agreed.agreed_lines(last) if last is not None else []
    ask = unchecked(client)[:1]
    if not lines and not ask:
        return None
    return Panel("together/_today.html", {"agreed_on": last, "lines": lines, "ask": ask[0] if ask else None})


def assignment_panel(*, request: AuthedRequest, assignment: Assignment, latest: AssignmentRevision | None) -> Panel:
    in_session = latest is not None and Step.objects.filter(revision=latest, applied=True).exists()
    made_in_session = Step.objects.filter(result=assignment).exists()
    check = assignment.confidence_checks.first()
    ask = not in_session and not made_in_session and check is None
    context = {"assignment": assignment, "latest": latest, "in_session": in_session, "ask": ask}
    can_change = check is not None and check.invites_change and assignment.status == AssignmentStatus.ACTIVE
    return Panel("together/_assignment.html", {**context, "made_in_session": made_in_session, "can_change": can_change})


# --- The therapist's pages ---------------------------------------------------------------------------------------


def client_page_panel(*, request: AuthedRequest, client: Membership) -> Panel | None:
    today = local_today(client.user)
    rows = agreed.confidence_rows(client, today - timedelta(days=CLIENT_PAGE_DAYS - 1), today)
    draft = Conversation.objects.draft_for(client)
    return Panel("together/_client_page.html", {"client": client, "rows": rows, "draft": draft})


def confidence_section(client: Membership, window: Window) -> SummarySection | None:
    rows = agreed.confidence_rows(client, window.start, window.end)
    if not rows:
        return None
    return SummarySection(gettext("Confidence beside completion"), lines=[str(row) for row in rows])


def checklist_section(client: Membership, window: Window) -> SummarySection | None:
    conversation = agreed.latest_conversation(client)
    if conversation is None:
        return SummarySection(
            gettext("Your review checklist"),
            lines=["○ " + gettext("No review together yet: start one with the client.")],
        )
    started = date_format(conversation.started_at, "j M")
    if conversation.is_draft:
        line = gettext("The review started %(started)s, in progress.") % {"started": started}
    else:
        finished = date_format(conversation.finished_at or conversation.started_at, "j M")
        line = gettext("The review started %(started)s, finished %(finished)s.") % {
            "started": started,
            "finished": finished,
        }
    return SummarySection(
        gettext("Your review checklist"), lines=[line] + [str(t) for t in agreed.checklist(conversation)]
    )


def insight(assignments: dict[int, Any]) -> list[InsightTable]:
    ids = list(assignments)
    checks = agreed.latest_checks(ids)
    in_session = agreed.agreed_in_session(ids)
    by_band = {pk: str(agreed.band(checks[pk].rating if pk in checks else None)) for pk in ids}
    bands = [str(band) for band in agreed.BANDS]
    return [
        InsightTable(
            gettext("By confidence"),
            gettext("How sure the client was (the latest rating)"),
            {pk: by_band[pk] for pk in sorted(ids, key=lambda pk: bands.index(by_band[pk]))},
            note=gettext("Confidence as the client rated it when the activity was agreed or first opened."),
        ),
        InsightTable(
            gettext("Agreed in session or sent"),
            gettext("How it was set"),
            {pk: str(agreed.AGREED) if pk in in_session else str(agreed.SENT) for pk in ids},
        ),
    ]


def register() -> None:
    client_links.register(review_link)
    caseload_signals.register(draft_signal, kinds={"review": gettext_lazy("Reviews in progress")})
    register_panel("today", today_panel)
    register_panel("assignment_client", assignment_panel)
    register_panel("client_detail", client_page_panel)
    summary_sections.register(checklist_section)
    summary_sections.register(confidence_section)
    insight_tables.register(insight)
