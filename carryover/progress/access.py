"""Access helpers for the client's own history: only the client whose entry it is, everyone else gets 404.

A therapist reads entries through homework's `get_entry_for_user`; these pages are the client's own (private entries
among them), so no one else, not their therapist nor a support person, reaches them. Each helper writes one audit
event, allowed or denied, through carryover.lib.access.

Only activities are the client's history here: a questionnaire's answers, scores and charts stay on the measures'
own pages, under the sharing the therapist chose (`measures/access.py`), and answering one is not practice.
"""

from __future__ import annotations

from django.db.models import QuerySet

from carryover.accounts.models import Membership
from carryover.audit.models import Action
from carryover.homework.models import Entry, TemplateKind
from carryover.lib.access import CLIENT_ONLY, fetch_for
from carryover.lib.types import AuthedRequest


def activity_entries() -> QuerySet[Entry]:
    """Entries of activities, with what their pages read of the activity and the worksheet."""
    return Entry.objects.filter(template_version__template__kind=TemplateKind.ACTIVITY).select_related(
        "assignment__template_version__template",
        "template_version__template",  # names in the reader's language
    )


def own_entries(client: Membership) -> QuerySet[Entry]:
    """A client's own activity entries, for the client's own pages (the caller fetched the client through
    `get_own_client_record`, which audits the read)."""
    return activity_entries().filter(client=client)


def get_own_entry(request: AuthedRequest, pk: int, *, action: str = Action.READ) -> Entry:
    queryset = activity_entries().select_related("client__user")
    return fetch_for(request, queryset, pk, roles=CLIENT_ONLY, object_type="entry", action=action)
