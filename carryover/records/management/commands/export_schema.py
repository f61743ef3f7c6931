"""Write the client export's JSON Schema (docs/export-schema.json) from the code's list of what is exported."""

import json

from django.core.management.base import BaseCommand

from carryover.records.export import export_schema


class Command(BaseCommand):
    help = "Print the client export's JSON Schema; `> docs/export-schema.json` publishes it."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(export_schema(), indent=2, ensure_ascii=False))
