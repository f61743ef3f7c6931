"""The demo practice: its people, logins and care links, then each app's demo (`make run` only; never production).

Idempotent: loading again creates only what is missing (`tests/test_demo.py`)."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from carryover.accounts.models import CareLink, Membership, Practice, Role, User
from carryover.accounts.services import practice_create
from carryover.devtools.demo_homework import load_homework_demo
from carryover.devtools.demo_measures import load_measures_demo
from carryover.devtools.demo_review import load_review_demo
from carryover.devtools.demo_support import load_support_demo
from carryover.homework.models import Assignment

DEMO_PASSWORD = "carryover-demo"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"
PRACTICE_NAME = "Riverside Therapy (demo)"

PEOPLE = [
    # email, name, role, time zone, TOTP
    ("admin@example.org", "Ada Okafor", Role.ADMIN, "America/New_York", True),
    ("therapist@example.org", "Alex Rivera", Role.THERAPIST, "America/New_York", True),
    ("client@example.org", "Sam Taylor", Role.CLIENT, "America/New_York", False),
    ("jordan@example.org", "Jordan Lee", Role.CLIENT, "America/Chicago", False),
    ("priya@example.org", "Priya Shah", Role.CLIENT, "America/Los_Angeles", False),
]


def load_demo() -> list[str]:
    """Create whatever part of the demo practice is missing; returns what was created."""
    created: list[str] = []
    with transaction.atomic():
        practice = Practice.objects.filter(name=PRACTICE_NAME).first()
        if practice is None:
            practice = practice_create(name=PRACTICE_NAME, country="US")
            created.append(f"practice {PRACTICE_NAME}")
        members = {}
        for email, name, role, zone, totp in PEOPLE:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=DEMO_PASSWORD, name=name, time_zone=zone)
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
                Membership.objects.create(
                    user=user, practice=practice, role=role, consented_terms_version=practice.terms_version
                )
                created.append(email)
            if totp and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, DEMO_TOTP_SECRET)
                RecoveryCodes.activate(user)
            members[email] = user.membership
        therapist = members["therapist@example.org"]
        for email, _, role, _, _ in PEOPLE:
            if role == Role.CLIENT:
                _, made = CareLink.objects.get_or_create(
                    practice=practice, therapist=therapist, client=members[email], ended_at=None
                )
                if made:
                    created.append(f"care link {therapist.user.email} → {email}")
        clients = [members[email] for email, _, role, _, _ in PEOPLE if role == Role.CLIENT]
        if not Assignment.objects.filter(client__in=clients).exists():
            created += load_homework_demo(therapist=therapist, clients=clients)  # eight weeks of activities
            created += load_measures_demo(therapist=therapist, clients=clients)  # weekly PHQ-9 and GAD-7
        created += load_review_demo(therapist=therapist, clients=clients)  # weekly sessions, the next one booked
        created += load_support_demo(client=members["client@example.org"], password=DEMO_PASSWORD)  # Morgan
    return created
