"""The database triggers that make the audit log append-only, for migrations and for `flush`."""

from contextlib import contextmanager

from django.db import connections

SQLITE = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER audit_event_no_update", "DROP TRIGGER audit_event_no_delete"]
POSTGRES = [
    """CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$""",
    """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER audit_event_append_only ON audit_auditevent",
    "DROP FUNCTION audit_event_append_only()",
]


def statements(vendor: str, *, reverse: bool = False) -> list[str]:
    if vendor == "postgresql":
        return POSTGRES_REVERSE if reverse else POSTGRES
    return SQLITE_REVERSE if reverse else SQLITE


@contextmanager
def triggers_lifted(alias: str = "default"):
    """For wiping a whole database (`manage.py flush`, and Django's tests that use it): whoever can run this
    can already drop triggers; the point of the triggers is that the application cannot edit the log."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        for statement in statements(connection.vendor, reverse=True):
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in statements(connection.vendor):
                cursor.execute(statement)
