"""What other apps can add to the review pages, and the types they add, in one place: the review app's own
built-ins register here too, so an added kind is handled exactly like a built-in one.

- `caseload_signals`: functions of the whole caseload (`CaseloadContext`) returning signals per client, each with
  a constant number of queries, so the caseload costs the same for 5 clients or 60. Their kinds are the caseload's
  filter options.
- `summary_sections`: functions of (client, window) returning a `SummarySection` or None, for the session-prep
  summary and its PDF.
- `timeline_providers`: functions of (client, window, wanted kinds, assignment id or None) returning `Event`s; their
  kinds are the timeline's filter options.
- `client_links`: functions of the client returning a `ClientLink` (or None): an action beside the client's name
  on the caseload and on the summary ("Review with Sam"). They run no query.
- `insight_tables`: functions of the caseload's assignments returning `InsightTable`s, more ways to group them on
  the insight page ("by confidence"), each with a constant number of queries.
- Blocks on the caseload, summary and timeline pages are page panels (`carryover.lib.extensions`).

The measures app registers its own from `MeasuresConfig.ready()` (measures/review_hooks.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from carryover.accounts.models import Membership
from carryover.lib.extensions import Registry

from .charts import Chart
from .windows import Window

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# --- The caseload -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signal:
    kind: str  # a stable code, for filtering: "risk", "notice", "flagged", "quiet", "drop", ...
    label: StrOrPromise  # what the therapist reads, without clinical content
    weight: int  # how much it adds to the need for attention
    level: str = "alert"  # "risk", "alert" or "info"


@dataclass
class CaseloadContext:
    """What every signal provider gets: the clients (membership ids) and facts already fetched about them."""

    therapist: Membership
    ids: list[int]
    today: dict[int, date]  # each client's own local today
    last_session: dict[int, date | None]
    last_activity: dict[int, datetime | None]
    adherence: dict[int, dict[str, Decimal | None]]  # per client, for each of caseload.WINDOWS
    quiet_days: int


SignalProvider = Callable[[CaseloadContext], dict[int, list[Signal]]]
caseload_signals: Registry[SignalProvider] = Registry("caseload signals")


@dataclass(frozen=True)
class ClientLink:
    """A link about one client, shown beside their name: `label` is followed by the client's name."""

    label: str
    url: str


ClientLinkProvider = Callable[[Membership], ClientLink | None]
client_links: Registry[ClientLinkProvider] = Registry("client links")


def links_for(client: Membership) -> list[ClientLink]:
    return [link for provider in client_links if (link := provider(client)) is not None]


# --- The caseload insight ---------------------------------------------------------------------------------------


@dataclass
class InsightTable:
    """One more way to group the caseload's assignments on the insight page: each assignment id to its group's
    label (an assignment left out counts in no group of this table), in the order the labels should be read."""

    title: str
    first: str  # the heading of the label column
    label_of: dict[int, str]
    note: str = ""


InsightProvider = Callable[[dict[int, Any]], list[InsightTable]]
insight_tables: Registry[InsightProvider] = Registry("insight tables")


# --- The session-prep summary ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimedLine:
    """A line about something that happened at a moment (a safety alert raised). The text places it on the client's
    day, like the rest of the summary; the template adds the moment in the reader's own time zone, labelled."""

    text: str
    at: datetime
    verb: str = "at"  # "raised 30 Nov 2026, 23:00 New York time"


@dataclass
class SummarySection:
    """A block another app adds to the summary (measures: scores and reliable change, safety alerts)."""

    title: str
    lines: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    level: str = ""  # "risk" puts it first, highlighted; "scores" is page one's "latest scores and change"
    timed: list[TimedLine] = field(default_factory=list)  # shown before the lines
    notes: list[Any] = field(default_factory=list)  # "how this is scored": objects with name, text and source


SectionProvider = Callable[[Membership, Window], SummarySection | None]
summary_sections: Registry[SectionProvider] = Registry("summary sections")


# --- The client timeline --------------------------------------------------------------------------------------


@dataclass
class Event:
    day: date  # the client's local date
    at: datetime  # for ordering within a day
    kind: str
    title: str
    detail: str = ""
    words: str = ""  # the client's own words, when shared
    url: str = ""
    private: bool = False
    assignment_id: int | None = None
    timed: bool = False  # the page shows `at` itself, in the reader's time zone (a safety alert: when it was raised)

    @property
    def kind_label(self) -> str:
        return str(timeline_providers.kinds[self.kind])


EventProvider = Callable[[Membership, Window, set[str], int | None], list[Event]]
timeline_providers: Registry[EventProvider] = Registry("timeline events")
