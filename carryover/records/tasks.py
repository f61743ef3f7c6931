"""The worker's side of records: building an export and emailing its link, and the daily sweep that expires old
links and erases closed accounts whose retention period has passed (`records_sweep`, queued by `records_clock`).

Each task re-reads the state it acts on, so running one twice does no harm: a built export is not rebuilt, an
erased account is not erased again.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from carryover.lib.tasks import email_retry_delay

from .models import ExportRequest, ExportStatus
from .services import export_build, export_email, export_failed_email, export_new_token, exports_expire

logger = logging.getLogger(__name__)


# A build that fails (the file store or the database briefly away, a WeasyPrint crash) is tried again after each of
# these waits; after the last, the export is marked failed and the person who asked is told by email and on the page.
BUILD_RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15))


@task()
def build_export(export_id: int, attempt: int = 1) -> bool:
    try:
        built = export_build(export_id=export_id)
    except Exception:
        logger.exception("export %s could not be built (attempt %s)", export_id, attempt)
        if attempt <= len(BUILD_RETRY_DELAYS):
            delay = BUILD_RETRY_DELAYS[attempt - 1]
            build_export.using(run_after=timezone.now() + delay).enqueue(export_id, attempt=attempt + 1)
            return False
        # The page says "Could not be prepared" rather than "Being prepared" for ever; the person can ask again.
        if ExportRequest.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(status=ExportStatus.FAILED):
            email_export_failed.enqueue(export_id)
        return False
    if built:
        email_export_link.enqueue(export_id)
    return built


@task()
def email_export_failed(export_id: int, attempt: int = 1) -> bool:
    return _email_with_retry(email_export_failed, export_id, attempt, lambda: export_failed_email(export_id=export_id))


@task()
def email_closure(closure_id: int, attempt: int = 1) -> bool:
    from .erasure import closure_email

    return _email_with_retry(email_closure, closure_id, attempt, lambda: closure_email(closure_id=closure_id))


def _email_with_retry(this_task, object_id: int, attempt: int, send) -> bool:
    """Send now; if the mail server is down or refuses, the task is queued again after the shared email delays."""
    try:
        send()
    except Exception:
        delay = email_retry_delay(attempt)
        if delay is None:
            logger.error("%s %s: not emailed after %s attempts; giving up", this_task.name, object_id, attempt)
            return False
        logger.warning("%s %s: not emailed (attempt %s); trying again in %s", this_task.name, object_id, attempt, delay)
        this_task.using(run_after=timezone.now() + delay).enqueue(object_id, attempt=attempt + 1)
        return False
    return True


@task()
def email_export_link(export_id: int, attempt: int = 1) -> bool:
    export = ExportRequest.objects.select_related("requested_by").get(pk=export_id)
    if not export.link_usable():
        return False
    try:
        export_email(export=export, token=export_new_token(export=export))
    except Exception:  # the mail server is down or refused: a new link is sent on the next try
        delay = email_retry_delay(attempt)
        if delay is None:
            logger.error("export %s: link not emailed after %s attempts; giving up", export_id, attempt)
            ExportRequest.objects.filter(pk=export_id).update(status=ExportStatus.FAILED)
            return False
        logger.warning("export %s: link not emailed (attempt %s); trying again in %s", export_id, attempt, delay)
        email_export_link.using(run_after=timezone.now() + delay).enqueue(export_id, attempt=attempt + 1)
        return False
    return True


@task()
def records_sweep() -> dict[str, int]:
    from .bulk import bulk_exports_expire
    from .erasure import erasures_due

    return {"expired": exports_expire() + bulk_exports_expire(), "erased": erasures_due()}


@task()
def build_bulk_export(job_id: int) -> bool:
    from .bulk import bulk_export_build, bulk_export_failed

    try:
        return bulk_export_build(job_id=job_id)
    except Exception:
        logger.exception("FHIR bulk export %s could not be built", job_id)
        bulk_export_failed(job_id=job_id)
        raise


@task()
def build_archive(archive_id: int) -> bool:
    from .archive import archive_build

    return archive_build(archive_id=archive_id)
