"""The database triggers that keep the audit log append-only, for migrations and for `flush`.

Events: never deleted; updated only to seal them, that is to set seq, prev_hash and hash once, leaving what the
event says untouched. The chain head: never deleted, and only moves forward. Whoever can drop triggers can
defeat these; what they cannot do without the key is forge the chain, and the checkpoints outside the database
show what was removed (docs/security.md, "Audit log").
"""

from contextlib import contextmanager

from django.db import connections

# Every column an event is written with; sealing may change none of them.
WRITTEN = [
    "id",
    "at",
    "actor_id",
    "practice_id",
    "client_id",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "request_id",
    "mac",
]
_SQLITE_CHANGED = " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in WRITTEN)
_POSTGRES_NEW = ", ".join(f"NEW.{column}" for column in WRITTEN)
_POSTGRES_OLD = ", ".join(f"OLD.{column}" for column in WRITTEN)

SQLITE = [
    f"""CREATE TRIGGER audit_event_seal_only BEFORE UPDATE ON audit_auditevent
        WHEN OLD.seq IS NOT NULL OR NEW.seq IS NULL OR {_SQLITE_CHANGED}
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_auditchainhead
       WHEN NEW.id IS NOT OLD.id OR NEW.last_seq < OLD.last_seq
            OR (NEW.last_seq = OLD.last_seq AND NEW.last_hash IS NOT OLD.last_hash)
       BEGIN SELECT RAISE(ABORT, 'audit chain head only moves forward'); END""",
    """CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_auditchainhead
       BEGIN SELECT RAISE(ABORT, 'audit chain head only moves forward'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER audit_event_seal_only",
    "DROP TRIGGER audit_event_no_delete",
    "DROP TRIGGER audit_head_forward_only",
    "DROP TRIGGER audit_head_no_delete",
]
POSTGRES = [
    f"""CREATE FUNCTION audit_event_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF OLD.seq IS NULL AND NEW.seq IS NOT NULL AND ({_POSTGRES_NEW}) IS NOT DISTINCT FROM ({_POSTGRES_OLD}) THEN
            RETURN NEW;
          END IF;
          RAISE EXCEPTION 'audit log is append-only';
        END $$""",
    """CREATE TRIGGER audit_event_seal_only BEFORE UPDATE ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_event_seal_only()""",
    """CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$""",
    """CREATE TRIGGER audit_event_append_only BEFORE DELETE OR TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
    """CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND (NEW.last_seq > OLD.last_seq
            OR (NEW.last_seq = OLD.last_seq AND NEW.last_hash = OLD.last_hash)) THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION 'audit chain head only moves forward';
       END $$""",
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_auditchainhead
       FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only()""",
    """CREATE TRIGGER audit_head_no_delete BEFORE DELETE OR TRUNCATE ON audit_auditchainhead
       FOR EACH STATEMENT EXECUTE FUNCTION audit_head_forward_only()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER audit_event_seal_only ON audit_auditevent",
    "DROP FUNCTION audit_event_seal_only()",
    "DROP TRIGGER audit_event_append_only ON audit_auditevent",
    "DROP FUNCTION audit_event_append_only()",
    "DROP TRIGGER audit_head_forward_only ON audit_auditchainhead",
    "DROP TRIGGER audit_head_no_delete ON audit_auditchainhead",
    "DROP FUNCTION audit_head_forward_only()",
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
