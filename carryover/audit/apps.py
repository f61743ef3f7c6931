"""The audit app's configuration: the append-only access and change log (docs/security.md, "Audit log")."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "carryover.audit"
    label = "audit"
