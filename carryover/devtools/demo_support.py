"""The demo's support person: Morgan, whom Sam (client@example.org) shares a little with — the days with any
activity, whether two of Sam's activities were done today, and a nudge at 20:00 — and who has sent a kind word.
Made through the support services; idempotent like the rest of the demo."""

from __future__ import annotations

from datetime import time

from allauth.account.models import EmailAddress

from carryover.accounts.models import Membership, Role, User
from carryover.support.models import Encouragement, SupportLink
from carryover.support.services import ScopeChoice, scope_save
from carryover.support.shared import shareable_assignments

SUPPORT_EMAIL = "morgan@example.org"


def load_support_demo(*, client: Membership, password: str) -> list[str]:
    if SupportLink.objects.filter(client=client).exists():
        return []
    user = User.objects.filter(email=SUPPORT_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            email=SUPPORT_EMAIL, password=password, name="Morgan Taylor", time_zone=client.user.time_zone
        )
        EmailAddress.objects.create(user=user, email=SUPPORT_EMAIL, verified=True, primary=True)
        practice = client.practice
        Membership.objects.create(
            user=user, practice=practice, role=Role.SUPPORT, consented_terms_version=practice.terms_version
        )
    # As an accepted invitation leaves it (the invitation itself is the accounts app's, tested there).
    link = SupportLink.objects.create(client=client, name="Morgan", email=SUPPORT_EMAIL, supporter=user)
    choice = ScopeChoice(
        share_days=True,
        assignments=list(shareable_assignments(client)[:2]),
        entries=[],
        nudge_at=time(20, 0),
        named_in_safety_plan=True,
    )
    scope_save(link=link, actor=client.user, choice=choice)
    Encouragement.objects.create(link=link, preset="proud")
    return [f"support person {SUPPORT_EMAIL} for {client.user.email}"]
