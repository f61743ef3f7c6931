"""`manage.py flush`, which the live-server tests use: Django's flush with the audit log's append-only triggers
lifted for the wipe and restored after."""

from django.core.management.commands.flush import Command as FlushCommand

from carryover.audit.triggers import triggers_lifted


class Command(FlushCommand):
    help = FlushCommand.help + " The audit log's append-only triggers are lifted for the wipe and then restored."

    def handle(self, **options):
        with triggers_lifted(options["database"]):
            return super().handle(**options)
