"""The one way an app adds to another app's pages without the two importing each other the wrong way round.

A `Registry` is a typed, ordered list of providers: the app that owns a page declares one (the review app's in
`review/extensions.py`, the page panels below), its own built-ins register first, and other apps register theirs
from `AppConfig.ready()`. Registering twice (a second `ready()` in tests) changes nothing.

Page panels are how an app shows a block on another app's page: the page's view calls `panels_for(page, ...)`
after it has fetched (and audited) what the page is about, and its template only renders what came back with
`{% for panel in panels %}{% include panel.template with panel=panel.context %}{% endfor %}`. No template tag runs
a query, so which data a page shows rests on its view's access helper alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

P = TypeVar("P", bound=Callable[..., Any])


@dataclass
class Registry(Generic[P]):
    """Providers in registration order, with the filter labels of the kinds they produce (if the page has any)."""

    name: str
    providers: list[P] = field(default_factory=list)
    kinds: dict[str, StrOrPromise] = field(default_factory=dict)  # kind -> label, in registration order

    def register(self, provider: P, *, kinds: Mapping[str, StrOrPromise] | None = None) -> P:
        if provider not in self.providers:
            self.providers.append(provider)
            self.kinds.update(kinds or {})
        return provider

    def __iter__(self) -> Iterator[P]:
        return iter(list(self.providers))


@dataclass(frozen=True)
class Panel:
    """A block on another app's page: the partial template and what it renders (already fetched)."""

    template: str
    context: dict[str, Any]


# A panel provider gets the request and the page's own objects (the client, on a client's page) as keywords, and
# returns a panel or None (nothing to show this reader). Each runs a constant number of queries.
PanelProvider = Callable[..., Panel | None]

PAGES = ("client_detail", "caseload", "timeline", "help", "today", "assignment_client", "my_entry")
PAGE_PANELS: dict[str, Registry[PanelProvider]] = {page: Registry(page) for page in PAGES}


def register_panel(page: str, provider: PanelProvider) -> PanelProvider:
    return PAGE_PANELS[page].register(provider)


def panels_for(page: str, **objects: Any) -> list[Panel]:
    """Called by the page's view: every registered panel for these objects, in order."""
    return [panel for provider in PAGE_PANELS[page] if (panel := provider(**objects)) is not None]
