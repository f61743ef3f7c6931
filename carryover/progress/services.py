"""Changing one's mind about an entry afterwards: sharing a private one, taking back a shared one that no one in the
care team has opened yet, and setting or clearing "talk about this next session".

Each change is one UPDATE and one audit event naming the change (`entry_shared`, `entry_made_private`,
`entry_talk_set`, `entry_talk_cleared`), in one transaction. A change that cannot be made raises `ChangeRefused`
with the sentence the client is shown, and changes nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from carryover.accounts.models import User
from carryover.audit.models import Action, AuditEvent, Outcome
from carryover.audit.services import audit_record
from carryover.homework.models import Entry, Visibility

# The care team's pages that show a client's recent entries' words without opening each one: the session-prep
# summary shows the latest entries in full and the timeline what the client wrote about what got in the way.
PAGES_SHOWING_ENTRIES = ("session_summary", "timeline")


class ChangeRefused(Exception):
    """The change can't be made; the message says why, in words for the client."""


def entry_opened(entry: Entry) -> bool:
    """Whether anyone but the client has read the entry, or may have: opened it (or its drawings and recordings,
    which are only reached from it), commented on it, or opened a page showing the client's entries since it was
    sent. The audit log records every such read, so it is asked rather than a second record kept."""
    if entry.comments.exists():
        return True
    client_user_id = entry.client.user_id
    reads = AuditEvent.objects.filter(client_id=client_user_id, outcome=Outcome.ALLOWED).exclude(
        actor_id=client_user_id
    )
    opened_it = Q(object_type="entry", object_id=str(entry.pk))
    saw_it_listed = Q(object_type__in=PAGES_SHOWING_ENTRIES, at__gte=entry.submitted_at)
    return reads.filter(opened_it | saw_it_listed).exists()


def _change(entry: Entry, actor: User, what: str, **fields: object) -> None:
    with transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(**fields)
        audit_record(
            actor_id=actor.pk,
            practice_id=entry.client.practice_id,
            client_id=entry.client.user_id,
            action=Action.UPDATE,
            object_type=what,
            object_id=entry.pk,
        )
    for name, value in fields.items():
        setattr(entry, name, value)


def entry_share(*, entry: Entry, actor: User) -> None:
    """Share a private entry with the therapist, from now on."""
    if not entry.is_private:
        raise ChangeRefused(_("This entry is already shared with your therapist, so nothing changed."))
    _change(entry, actor, "entry_shared", visibility=Visibility.SHARED)


def entry_make_private(*, entry: Entry, actor: User) -> None:
    """Take a shared entry back, while no one in the care team has opened it: once they have, making it private
    would not unsee it, and their notes may rest on it, so it stays shared."""
    if entry.is_private:
        raise ChangeRefused(_("This entry is already private: only you can see it."))
    if entry_opened(entry):
        raise ChangeRefused(
            _(
                "Your therapist has already opened this entry, so it stays shared. If you'd rather not talk about "
                "it, you can say so at your next session."
            )
        )
    _change(entry, actor, "entry_made_private", visibility=Visibility.PRIVATE)


def entry_talk_set(*, entry: Entry, actor: User, talk: bool) -> None:
    """Set or clear "I want to talk about this next session"."""
    if entry.talk_next_session == talk:
        return  # already so: pressing twice changes nothing and records nothing
    _change(entry, actor, "entry_talk_set" if talk else "entry_talk_cleared", talk_next_session=talk)
