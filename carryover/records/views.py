"""The records pages: a client's own data page (export, close account), a therapist's page of a client's record
(clinical export, FHIR Bundle, legal hold), the one-time download link, and the admin's retention setting."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carryover.accounts.access import get_practice_for_admin, role_required
from carryover.accounts.models import Role
from carryover.audit.models import Action
from carryover.lib.access import deny
from carryover.lib.types import AuthedRequest

from . import erasure, services
from .access import get_client_record, get_own_record
from .archive import archive_request, archive_take
from .fhir import fhir_bundle_for
from .forms import HoldForm, ImportForm, RetentionForm
from .importer import MAX_IMPORT_BYTES, ImportRefused, client_import
from .models import Audience, Closure, ExportRequest, PracticeArchive, RetentionSettings

NO_STORE = "no-store"


@role_required(Role.CLIENT)
def my_data(request: AuthedRequest) -> HttpResponse:
    client = get_own_record(request)
    exports = ExportRequest.objects.filter(client=client, requested_by=request.user)[:5]
    closure = Closure.objects.filter(client=client).first()
    return TemplateResponse(request, "records/my_data.html", {"exports": exports, "closure": closure})


@require_POST
@role_required(Role.CLIENT)
def my_data_export(request: AuthedRequest) -> HttpResponse:
    client = get_own_record(request, action=Action.EXPORT)
    services.export_request(client=client, actor=request.user, audience=Audience.CLIENT)
    messages.success(request, _("We're preparing your download. We'll email you a link when it's ready."))
    return redirect("my_data")


@require_POST
@role_required(Role.CLIENT)
def my_data_close(request: AuthedRequest) -> HttpResponse:
    client = get_own_record(request, action=Action.UPDATE)
    if request.POST.get("confirm") != "close":
        messages.error(request, _("Tick the box to confirm you want to close your account."))
        return redirect("my_data")
    erasure.closure_request(client=client, actor=request.user)
    logout(request)
    messages.info(request, _("Your account is closed. Your therapist has been told. Take care."))
    return redirect("account_login")


@login_required
def export_download(request: AuthedRequest, pk: int, token: str) -> StreamingHttpResponse:
    try:
        data = services.export_take(export_id=pk, token=token, user=request.user)
    except services.ExportUnavailable:
        raise deny(request, action=Action.EXPORT, object_type="export_download", object_id=pk) from None
    response = StreamingHttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="carryover-export.zip"'
    response["Cache-Control"] = NO_STORE
    return response


def _record_context(client, form: HoldForm | None = None) -> dict:
    closure = Closure.objects.filter(client=client).first()
    initial = {"hold": closure.hold, "reason": closure.hold_reason} if closure else {}
    return {
        "client": client,
        "closure": closure,
        "form": form or HoldForm(initial=initial),
        "exports": ExportRequest.objects.filter(client=client, audience=Audience.THERAPIST)[:5],
    }


@role_required(Role.THERAPIST)
def client_records(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = get_client_record(request, client_id)
    return TemplateResponse(request, "records/client_records.html", _record_context(client))


@require_POST
@role_required(Role.THERAPIST)
def client_records_export(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = get_client_record(request, client_id, action=Action.EXPORT)
    services.export_request(client=client, actor=request.user, audience=Audience.THERAPIST)
    messages.success(request, _("The clinical file export is being prepared; the link will be emailed to you."))
    return redirect("client_records", client_id)


@role_required(Role.THERAPIST)
def client_fhir(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = get_client_record(request, client_id, action=Action.EXPORT)
    response = HttpResponse(json.dumps(fhir_bundle_for(client), indent=1), content_type="application/fhir+json")
    response["Content-Disposition"] = 'attachment; filename="carryover-fhir-bundle.json"'
    response["Cache-Control"] = NO_STORE
    return response


@require_POST
@role_required(Role.THERAPIST)
def client_hold(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = get_client_record(request, client_id, action=Action.UPDATE)
    closure = Closure.objects.filter(client=client, erased_at__isnull=True).first()
    form = HoldForm(request.POST)
    if closure is None:
        messages.error(request, _("There is nothing to hold: this client has not closed their account."))
    elif form.is_valid():
        erasure.closure_hold(
            closure=closure, actor=request.user, hold=form.cleaned_data["hold"], reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Legal hold placed.") if form.cleaned_data["hold"] else _("Legal hold lifted."))
    else:
        return TemplateResponse(request, "records/client_records.html", _record_context(client, form), status=400)
    return redirect("client_records", client_id)


@role_required(Role.ADMIN)
def practice_retention(request: AuthedRequest) -> HttpResponse:
    practice = get_practice_for_admin(request)
    current = RetentionSettings.for_practice(practice.pk)
    form = RetentionForm(request.POST or None, initial={"years": current.years, "keep_scores": current.keep_scores})
    if request.method == "POST" and form.is_valid():
        RetentionSettings.objects.filter(pk=current.pk).update(**form.cleaned_data)
        messages.success(request, _("Retention saved. It applies to accounts closed from now on."))
        return redirect("practice_retention")
    return TemplateResponse(request, "records/practice_retention.html", {"form": form, "practice": practice})


@role_required(Role.THERAPIST)
def client_import_page(request: AuthedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]
        try:
            if upload.size > MAX_IMPORT_BYTES:  # refused before a byte of it is read into memory
                raise ImportRefused(_("That file is larger than any Carryover export we can import (512 MB)."))
            client = client_import(
                therapist=request.user.membership, data=upload.read(), email=form.cleaned_data["email"]
            )
        except ImportRefused as error:
            form.add_error("upload", str(error))
        else:
            messages.success(
                request, _("The client's history was imported. We're emailing them a link to set a password.")
            )
            return redirect("client_records", client.user_id)
    return TemplateResponse(request, "records/client_import.html", {"form": form}, status=400 if form.errors else 200)


@role_required(Role.ADMIN)
def practice_archive(request: AuthedRequest) -> HttpResponse:
    practice = get_practice_for_admin(request, action=Action.EXPORT if request.method == "POST" else Action.READ)
    if request.method == "POST":
        archive_request(practice=practice, actor=request.user)
        messages.success(request, _("The archive is being built. This page shows how far it has got."))
        return redirect("practice_archive")
    archive = PracticeArchive.objects.filter(practice=practice).first()
    partial = request.headers.get("HX-Request") == "true"
    template = "records/_archive_status.html" if partial else "records/practice_archive.html"
    return TemplateResponse(request, template, {"archive": archive, "practice": practice})


@role_required(Role.ADMIN)
def practice_archive_download(request: AuthedRequest, pk: int) -> StreamingHttpResponse:
    practice = get_practice_for_admin(request, action=Action.EXPORT)
    archive = PracticeArchive.objects.filter(pk=pk, practice=practice).first()
    data = archive_take(archive=archive, actor=request.user) if archive is not None else None
    if data is None:
        raise deny(request, action=Action.EXPORT, object_type="practice_archive_download", object_id=pk)
    response = StreamingHttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="carryover-practice-archive.zip"'
    response["Cache-Control"] = NO_STORE
    return response
