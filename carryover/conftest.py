"""Shared personas (docs/ARCHITECTURE.md, "Tests"): therapist Alice and her clients Bob and Erin, therapist Frank
in the same practice without a care link, therapist Charlie and his client Dana in another practice, a practice
admin, a support person.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass

import hypothesis
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.db import transaction
from django.test import override_settings

from carryover.accounts.models import CareLink, Membership, Practice, Role, User
from carryover.accounts.services import practice_create

pytest_plugins = ["carryover.browser_fixtures"]
PASSWORD = "a long and friendly passphrase"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"

# Property tests (reminder times over every zone and DST day, schedules): 60 examples each in `make test` (quick
# feedback), 300 in CI's SQLite run (HYPOTHESIS_PROFILE=ci), 2,000 in CI's PostgreSQL run (HYPOTHESIS_PROFILE=thorough,
# .ci/run). Pure functions: one thorough run covers both databases.
hypothesis.settings.register_profile("default", max_examples=60, deadline=None)
hypothesis.settings.register_profile("ci", max_examples=300, deadline=None)
hypothesis.settings.register_profile("thorough", max_examples=2000, deadline=None)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def totp_code(secret: str = TOTP_SECRET, at: float | None = None) -> str:
    return format_hotp_value(hotp_value(secret, int(at if at is not None else time.time()) // 30))


def without_csrf(content: bytes) -> bytes:
    """A page's bytes with its per-request CSRF token and request id masked, for comparing two responses."""
    content = re.sub(rb'(name="csrf-token" content=|name="csrfmiddlewaretoken" value=)"[^"]+"', rb"\1", content)
    return re.sub(rb"Reference: [0-9a-f]+", b"", content)


def make_person(practice: Practice, email: str, name: str, role: str, *, mfa: bool | None = None) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, name=name, time_zone="Europe/London")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    Membership.objects.create(user=user, practice=practice, role=role, consented_terms_version=1)
    if mfa if mfa is not None else role in (Role.THERAPIST, Role.ADMIN):
        TOTP.activate(user, TOTP_SECRET)
    return user


def link(therapist: User, client: User) -> CareLink:
    return CareLink.objects.create(
        practice=therapist.membership.practice, therapist=therapist.membership, client=client.membership
    )


@dataclass
class Personas:
    practice: Practice
    other_practice: Practice
    admin: User
    alice: User
    frank: User
    bob: User
    erin: User
    sue: User
    charlie: User
    dana: User


def build_personas() -> Personas:
    practice = practice_create(name="Harbour Practice", country="GB")
    other = practice_create(name="Elsewhere Clinic", country="US")
    p = Personas(
        practice=practice,
        other_practice=other,
        admin=make_person(practice, "admin@harbour.test", "Ada Admin", Role.ADMIN),
        alice=make_person(practice, "alice@harbour.test", "Alice Therapist", Role.THERAPIST),
        frank=make_person(practice, "frank@harbour.test", "Frank Therapist", Role.THERAPIST),
        bob=make_person(practice, "bob@harbour.test", "Bob Client", Role.CLIENT),
        erin=make_person(practice, "erin@harbour.test", "Erin Client", Role.CLIENT),
        sue=make_person(practice, "sue@harbour.test", "Sue Support", Role.SUPPORT),
        charlie=make_person(other, "charlie@elsewhere.test", "Charlie Therapist", Role.THERAPIST),
        dana=make_person(other, "dana@elsewhere.test", "Dana Client", Role.CLIENT),
    )
    link(p.alice, p.bob)
    link(p.alice, p.erin)
    link(p.charlie, p.dana)
    return p


@pytest.fixture
def personas(db) -> Personas:
    return build_personas()


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker, tmp_path_factory):
    """For rows a module builds once and all its tests read (the matrices' personas and state): an outer
    transaction, rolled back after the module's last test. Each test's own transaction (`db`) is a savepoint inside
    it, so what a test changes is still undone before the next, and every test starts from the same rows. Only for
    modules without transactional tests (their flush would empty the outer transaction)."""
    checkpoints = tmp_path_factory.mktemp("audit") / "audit-checkpoints.jsonl"
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS, AUDIT_CHECKPOINT_PATH=str(checkpoints)),
        transaction.atomic(),
    ):
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _audit_checkpoints(settings, tmp_path):
    # Each test its own audit checkpoint file, never the development one in var/.
    settings.AUDIT_CHECKPOINT_PATH = str(tmp_path / "audit-checkpoints.jsonl")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings, request):
    # Argon2 is deliberately slow; tests that check hashing itself ask for the `argon2` marker's real settings.
    if "argon2" not in request.keywords:
        settings.PASSWORD_HASHERS = FAST_HASHERS


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    # live_server asks for transactional_db itself, at run time: it is not among the names the test declares.
    names = set(getattr(item, "fixturenames", ()))
    return bool({"transactional_db", "live_server"} & names) or bool(marker and marker.kwargs.get("transaction"))


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request):
    """Rate limits live in the database cache, a table that a transactional test's flush leaves alone: empty it,
    so one test's sign-in failures or requests never count against the next."""
    yield
    if _transactional(request.node):
        from django.core.cache import cache

        with request.getfixturevalue("django_db_blocker").unblock():  # the test's own database access has ended
            cache.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends with a flush, which empties the built-in library the migrations loaded. Run
    alone, pytest-django puts those tests last; on a pytest-xdist worker (make test) others follow them, so the
    library is put back for the next test, as the migrations left it. (After every fixture's teardown: the flush
    is the last thing the test's database fixture does.)"""
    result = yield
    if _transactional(item) and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        from carryover.homework.services import builtin_sync
        from carryover.measures.services import measures_sync

        with item.config.stash[blocking_manager_key].unblock():
            builtin_sync()
            measures_sync()
    return result
