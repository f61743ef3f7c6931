"""Exports: asked for, built by the worker into an encrypted zip, fetched once by a 24-hour link; every step audited.

The link is emailed as a link only (nothing clinical in the email); only a SHA-256 of its token is kept; it works
for the person who asked, once, within `LINK_LIFETIME`; the file is deleted when fetched or expired. A stranger,
a second use or an old link all get the same 404, with a denied audit event.
"""

from __future__ import annotations

import json
import secrets
import time
import zipfile
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from carryover.accounts.models import Membership, User, hash_token
from carryover.audit.models import Action, Outcome
from carryover.audit.services import audit_record
from carryover.homework.attachments import attachment_read
from carryover.homework.models import Attachment
from carryover.lib.filestore import store_delete
from carryover.lib.i18n import language_for

from .booklet import booklet_html, booklet_pdf
from .export import client_export_build
from .models import LINK_LIFETIME, ExportRequest, ExportStatus
from .zipstore import stream_once, zip_to_store


class ExportUnavailable(Exception):
    """The link is not this person's, was used, or has expired: the view answers 404."""


def export_request(*, client: Membership, actor: User, audience: str) -> ExportRequest:
    """Queue an export; the worker builds it (`records.tasks.build_export`) and emails the link to `actor`."""
    from .tasks import build_export

    with transaction.atomic():
        export = ExportRequest.objects.create(client=client, requested_by=actor, audience=audience)
        build_export.enqueue(export.pk)
    return export


def _fill_zip(export: ExportRequest) -> Callable[[zipfile.ZipFile], None]:
    """export.json, booklet.html, booklet.pdf and every file, as the audience may have them. Files are read and
    written one at a time; only the images the PDF shows are held together (WeasyPrint embeds them)."""
    document = client_export_build(client=export.client, audience=export.audience)
    items = document["sections"].get("attachments", [])
    names = {item["id"]: item["file"] for item in items}

    language = language_for(export.requested_by)  # the booklet reads in the language of whoever asked for it

    def fill(archive: zipfile.ZipFile) -> None:
        archive.writestr("export.json", json.dumps(document, indent=1, ensure_ascii=False))
        with translation.override(language):
            archive.writestr("booklet.html", booklet_html(document))
        images = {}
        for attachment in Attachment.objects.filter(pk__in=names).order_by("pk"):
            data = attachment_read(attachment)
            archive.writestr(names[attachment.pk], data)
            if attachment.content_type.startswith("image/"):
                images[names[attachment.pk]] = data
        with translation.override(language):
            archive.writestr("booklet.pdf", booklet_pdf(document, images))

    return fill


def export_build(*, export_id: int) -> bool:
    """Build the zip and store it encrypted. Run by the worker; a second run finds the export no longer queued
    and does nothing (False)."""
    started = time.monotonic()
    export = ExportRequest.objects.select_related("client__practice").get(pk=export_id)
    if export.status != ExportStatus.QUEUED:
        return False
    relative, size = zip_to_store(_fill_zip(export))
    now = timezone.now()
    updated = ExportRequest.objects.filter(pk=export.pk, status=ExportStatus.QUEUED).update(
        status=ExportStatus.READY,
        path=relative,
        size=size,
        seconds=time.monotonic() - started,
        ready_at=now,
        expires_at=now + LINK_LIFETIME,
    )
    if not updated:  # another run got there first
        store_delete(relative)
        return False
    _audit(export, actor_id=None, object_type="export_built")
    return True


def export_new_token(*, export: ExportRequest) -> str:
    """A fresh token for the link about to be emailed: any earlier link for this export stops working."""
    token = secrets.token_urlsafe(32)
    ExportRequest.objects.filter(pk=export.pk).update(token_hash=hash_token(token))
    return token


def export_link(export: ExportRequest, token: str) -> str:
    return settings.SITE_URL + reverse("export_download", kwargs={"pk": export.pk, "token": token})


def export_email(*, export: ExportRequest, token: str) -> None:
    """The link only: no name, no practice, nothing of the record."""
    with translation.override(language_for(export.requested_by)):  # the reader's language, not the worker's
        body = render_to_string("records/export_ready.txt", {"link": export_link(export, token), "hours": 24})
        subject = _("Your Carryover download is ready")
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [export.requested_by.email])


def export_failed_email(*, export_id: int) -> None:
    """After the worker's last try: where to ask again, and nothing of the record."""
    export = ExportRequest.objects.select_related("requested_by").get(pk=export_id)
    own = export.requested_by_id == export.client.user_id
    page = reverse("my_data") if own else reverse("client_records", kwargs={"client_id": export.client.user_id})
    with translation.override(language_for(export.requested_by)):
        body = render_to_string("records/export_failed.txt", {"link": settings.SITE_URL + page})
        subject = _("Your Carryover download could not be prepared")
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [export.requested_by.email])


def export_take(*, export_id: int, token: str, user: User) -> Iterator[bytes]:
    """The zip, once, as a stream: the first valid use marks the link used, and the file is deleted when the stream
    ends. Raises ExportUnavailable."""
    with transaction.atomic():
        export = ExportRequest.objects.select_for_update().filter(pk=export_id, requested_by=user).first()
        if export is None or not export.token_hash or not export.link_usable():
            raise ExportUnavailable
        if not secrets.compare_digest(export.token_hash, hash_token(token)):
            raise ExportUnavailable
        stream = stream_once(export.path)  # opened first: a store out of reach leaves the link unused
        ExportRequest.objects.filter(pk=export.pk).update(status=ExportStatus.DOWNLOADED, downloaded_at=timezone.now())
        _audit(export, actor_id=user.pk, object_type="export_download")
    return stream


def exports_expire() -> int:
    """Delete the files of links past their 24 hours (run by the worker's sweep)."""
    expired = list(ExportRequest.objects.filter(status=ExportStatus.READY, expires_at__lte=timezone.now()))
    for export in expired:
        store_delete(export.path)
    ExportRequest.objects.filter(pk__in=[e.pk for e in expired]).update(status=ExportStatus.EXPIRED)
    return len(expired)


def _audit(export: ExportRequest, *, actor_id: int | None, object_type: str) -> None:
    audit_record(
        actor_id=actor_id,
        practice_id=export.client.practice_id,
        client_id=export.client.user_id,
        action=Action.EXPORT,
        object_type=object_type,
        object_id=export.pk,
        outcome=Outcome.ALLOWED,
    )
