"""What homework's pages ask of the app that watches risk answers, without importing it.

The measures app owns risk alerts and the crisis screen, and builds on homework (it schedules its questionnaires
as homework), so homework cannot import it. Instead it installs its `RiskWatch` here from `MeasuresConfig.ready()`,
and the worksheet pages call `risk_watch()`. A risk answer must never go unchecked: with nothing installed, saving
or sending a draft fails loudly instead of quietly skipping the check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from carryover.accounts.models import Membership

    from .models import Draft, Entry, Occurrence


class RiskWatch(Protocol):
    def draft_saved(self, *, draft: Draft, before: dict[str, Any]) -> bool:
        """After a save of `draft` (whose answers were `before`): whether to take the client to the crisis screen
        now. Raises the care team's alert if a risk answer calls for one."""
        ...

    def draft_send(self, *, draft: Draft, outcome: str | None) -> tuple[Entry, bool]:
        """Send the draft (homework's `entry_submit`, under the watcher's locks and alert): the entry, and whether
        to show the crisis screen. Raises `DraftGone` for a draft sent meanwhile."""
        ...

    def sent_with_risk(self, occurrence: Occurrence) -> bool:
        """Whether this occurrence was sent with a risk answer: a second send of it gets the crisis screen again."""
        ...

    def today(self, client: Membership) -> dict[str, Any]:
        """What the client's Today page shows about open alerts (`open_alert`, `alerted` occurrence ids)."""
        ...


_installed: list[RiskWatch] = []


def install_risk_watch(watch: RiskWatch) -> None:
    _installed[:] = [watch]


def risk_watch() -> RiskWatch:
    if not _installed:
        raise ImproperlyConfigured("No risk watch is installed: add carryover.measures to INSTALLED_APPS.")
    return _installed[0]
