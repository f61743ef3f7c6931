"""Shared personas (docs/ARCHITECTURE.md, "Tests"): therapist Alice and her clients Bob and Erin, therapist Frank
in the same practice without a care link, therapist Charlie and his client Dana in another practice, a practice
admin, a support person.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import hypothesis
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.db import DatabaseError, transaction
from django.test import override_settings

from carryover.accounts.models import CareLink, Membership, Practice, Role, User
from carryover.accounts.services import practice_create

pytest_plugins = ["carryover.browser_fixtures", "carryover.accounts.tests.matrix_world"]
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


@contextmanager
def reading_in(user: User, language: str):
    """The pages `user` asks for in the block read in `language`, chosen on their account as a person would (the
    language middleware follows the account, so `translation.override` alone no longer reaches a request); code
    called directly in the block reads in it too. Their earlier choice is put back afterwards."""
    from django.utils import translation

    before = User.objects.filter(pk=user.pk).values_list("language", flat=True).get()
    User.objects.filter(pk=user.pk).update(language=language)
    try:
        with translation.override(language):
            yield
    finally:
        User.objects.filter(pk=user.pk).update(language=before)


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


# --- The test database: migrated once per code version, then copied --------------------------------------------
# Migrating takes seconds of CPU per pytest-xdist worker (and far longer on a busy machine). The first run of a
# version of the code migrates as usual and keeps a copy (SQLite: a file in var/; PostgreSQL: a template database);
# later runs start from a copy instead. The copy is named by a hash of every file of the apps but their tests (the
# migrations, and the code their data migrations call) and of pyproject.toml, so a change makes a new one; and as
# a copy is reused like --reuse-db's database, a migration it lacks is still applied.


def _migrated_key() -> str:
    import django

    root = Path(__file__).parent
    digest = hashlib.sha256((root.parent / "pyproject.toml").read_bytes())  # the pinned libraries' migrations
    digest.update(django.__version__.encode())
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not {"tests", "__pycache__"} & set(relative.parts) and path.suffix != ".pyc":
            digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


class _MigratedCopy:
    """Keeping and restoring the migrated test database of the default connection (before setup_databases)."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.test_name = connection.creation._get_test_db_name()
        self.sqlite = connection.vendor == "sqlite"
        base = re.sub(r"_gw\d+$", "", Path(self.test_name).stem if self.sqlite else self.test_name)
        self.prefix = f"{base}_migrated_"
        self.template = self.prefix + _migrated_key()
        if self.sqlite:
            self.folder = Path(self.test_name).parent
            self.template_path = self.folder / f"{self.template}.sqlite3"

    def restore(self) -> bool:
        """The worker's test database as a copy of the kept one; False when there is none (or it cannot be had)."""
        if self.sqlite:
            if not self.template_path.exists() or self.connection.creation.is_in_memory_db(self.test_name):
                return False
            for leftover in (f"{self.test_name}-wal", f"{self.test_name}-shm"):
                Path(leftover).unlink(missing_ok=True)
            shutil.copyfile(self.template_path, self.test_name)
            return True
        quote = self.connection.ops.quote_name
        with self.connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.template])
            if cursor.fetchone() is None:
                return False
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(self.test_name)}")
            try:
                cursor.execute(f"CREATE DATABASE {quote(self.test_name)} TEMPLATE {quote(self.template)}")
            except DatabaseError:  # the copy went (another run of other code replaced it): migrate instead
                return False
        return True

    def keep(self) -> None:
        """Keep the just-migrated test database (before any test has run) for the next worker or run."""
        if self.sqlite:
            if self.connection.creation.is_in_memory_db(self.test_name):
                return
            with self.connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.connection.close()
            for old in self.folder.glob(f"{self.prefix}*.sqlite3"):
                if old != self.template_path:
                    old.unlink(missing_ok=True)  # an earlier version's
            partial = self.template_path.with_suffix(f".{os.getpid()}.part")
            shutil.copyfile(self.test_name, partial)
            partial.replace(self.template_path)
            return
        self.connection.close()
        quote = self.connection.ops.quote_name
        with self.connection._nodb_cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database")
            for (old,) in cursor.fetchall():
                if old.startswith(self.prefix) and old != self.template:
                    with contextlib.suppress(DatabaseError):  # in use by another run: left for that run
                        cursor.execute(f"DROP DATABASE IF EXISTS {quote(old)}")
            with contextlib.suppress(DatabaseError):  # the other worker kept theirs first: the same database
                cursor.execute(f"CREATE DATABASE {quote(self.template)} TEMPLATE {quote(self.test_name)}")


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's own, but a migrated database is copied rather than migrated again when the code is the
    same (--create-db migrates afresh; --reuse-db and --no-migrations are pytest-django's as they were)."""
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    if not django_db_use_migrations:
        _disable_migrations()
    keepdb = django_db_keepdb and not django_db_createdb
    copies = django_db_use_migrations and not keepdb
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        copy = _MigratedCopy(connections["default"]) if copies and "default" in aliases else None
        restored = copy is not None and not django_db_createdb and copy.restore()
        db_cfg = setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases=aliases,  # type: ignore[arg-type]  # a set, as pytest-django passes it (Django only iterates it)
            serialized_aliases=serialized_aliases,
            keepdb=keepdb or restored,  # a restored copy is kept: migrate then finds nothing to do
        )
        if copy is not None and not restored:
            copy.keep()
    yield
    if not keepdb:
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=verbosity)


_checkpoint_files = itertools.count()


@pytest.fixture(scope="session")
def _audit_checkpoint_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("audit-checkpoints")


@pytest.fixture(autouse=True)
def _audit_checkpoints(settings, _audit_checkpoint_folder):
    # Each test its own audit checkpoint file, never the development one in var/ (in one folder: a folder per test,
    # as tmp_path makes, costs every test a few milliseconds).
    settings.AUDIT_CHECKPOINT_PATH = str(_audit_checkpoint_folder / f"{next(_checkpoint_files)}.jsonl")


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
