"""Benchmark of a client's export: time and size of the JSON, the zip (booklet HTML and PDF, files) and the FHIR
Bundle, for the demo client (Sam Taylor) and for a generated client with a year of daily entries. Prints figures;
not a test.

    manage.py bench_export               # the demo client, then one generated client × 365 days
    manage.py bench_export --days 90     # a shorter generated history

Then a practice's FHIR Bulk Data export (`--practice-clients`, 20 by default, each with `--days` of history):
its time, its size, and the most memory the build held (tracemalloc's peak), which should not grow with the
practice (`fhir.practice_ndjson` writes a client at a time to disk).

Point DATABASE_URL (PostgreSQL) or SQLITE_PATH at a database of its own: it loads the demo and generates a client.
"""

from __future__ import annotations

import json
import random
import time
import tracemalloc

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from carryover.accounts.models import Membership, Practice, Role, User
from carryover.devtools.bench_practice import generate, therapist_with_clients
from carryover.devtools.demo import load_demo
from carryover.homework.models import Entry, Template
from carryover.records.bulk import bulk_export_build, bulk_export_delete
from carryover.records.export import client_export_build
from carryover.records.fhir import fhir_bundle_for
from carryover.records.models import Audience, ExportRequest, FhirBulkExport
from carryover.records.services import export_build


class Command(BaseCommand):
    help = "Time and size of a client's export: the demo client and a client with a year of daily entries."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--practice-clients", type=int, default=20)

    def handle(self, *args, days: int, practice_clients: int, **options):
        if settings.PRODUCTION:
            raise CommandError("The benchmark generates data: never in production.")
        load_demo()
        self.measure("demo client", User.objects.get(email="client@example.org").membership)
        practice = Practice.objects.filter(name__startswith="Bench export").first()
        if practice is None:
            self.stdout.write(f"Generating one client × {days} days…")
            practice = generate(therapists=1, clients=1, days=days, out=lambda *a: None)
            Practice.objects.filter(pk=practice.pk).update(name=f"Bench export {days} days")
        client = Membership.objects.filter(practice=practice, role="client").order_by("pk").first()
        assert client is not None
        self.measure(f"generated client, {days} days", client)
        self.bulk(practice_clients, days)

    def bulk(self, clients: int, days: int) -> None:
        name = f"Bench bulk export {clients} × {days} days"
        practice = Practice.objects.filter(name=name).first()
        if practice is None:
            self.stdout.write(f"Generating a practice of {clients} clients × {days} days…")
            practice = Practice.objects.create(name=name, country="GB")
            versions = {t.key: t.latest_version() for t in Template.objects.filter(practice__isnull=True)}
            with transaction.atomic():  # therapist number 80,000 + N: apart from the one-client practice's
                therapist_with_clients(random.Random(clients), practice, versions, 80_000 + clients, clients, days)
        admin = Membership.objects.filter(practice=practice, role=Role.THERAPIST).first()
        assert admin is not None
        job = FhirBulkExport.objects.create(practice=practice, requested_by=admin.user)
        tracemalloc.start()
        started = time.perf_counter()
        bulk_export_build(job_id=job.pk)
        seconds, (_, peak) = time.perf_counter() - started, tracemalloc.get_traced_memory()
        tracemalloc.stop()
        job.refresh_from_db()
        size = sum(default_storage.size(item["path"]) for item in job.files.values())
        resources = sum(item["count"] for item in job.files.values())
        self.stdout.write(
            f"practice bulk export ({clients} clients × {days} days): {resources} resources, "
            f"{size / 1024 / 1024:.1f} MB stored (encrypted), {seconds:.1f} s, "
            f"peak memory {peak / 1024 / 1024:.1f} MB (tracemalloc)"
        )
        bulk_export_delete(job=job, actor=admin.user)

    def measure(self, label: str, client: Membership) -> None:
        entries = Entry.objects.filter(client=client).count()
        started = time.perf_counter()
        document = client_export_build(client=client, audience=Audience.CLIENT)
        json_seconds, json_bytes = time.perf_counter() - started, len(json.dumps(document))
        started = time.perf_counter()
        bundle = fhir_bundle_for(client)
        fhir_seconds, fhir_bytes = time.perf_counter() - started, len(json.dumps(bundle))
        export = ExportRequest.objects.create(client=client, requested_by=client.user, audience=Audience.CLIENT)
        started = time.perf_counter()
        export_build(export_id=export.pk)
        zip_seconds = time.perf_counter() - started
        export.refresh_from_db()
        self.stdout.write(
            f"{label}: {entries} entries, {len(bundle['entry'])} FHIR resources\n"
            f"  JSON   {json_seconds:6.2f} s  {json_bytes / 1024:8.0f} KB\n"
            f"  FHIR   {fhir_seconds:6.2f} s  {fhir_bytes / 1024:8.0f} KB (validated)\n"
            f"  zip    {zip_seconds:6.2f} s  {(export.size or 0) / 1024:8.0f} KB (JSON + booklet HTML + PDF + files)"
        )
