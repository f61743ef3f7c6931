"""The client's own look back: My entries (with search), one entry with "change my mind", and My patterns with
the last few weeks (as a page, and as a PDF to keep).

Every page is the signed-in client's own, fetched through `get_own_client_record` or `progress.access`, so a
therapist, a support person or another client gets the audited 404 every stranger gets."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carryover.accounts.access import get_own_client_record, role_required
from carryover.accounts.models import Role
from carryover.audit.models import Action
from carryover.homework.models import local_today
from carryover.homework.render import display_entry
from carryover.lib.access import deny
from carryover.lib.extensions import panels_for
from carryover.lib.types import AuthedRequest
from carryover.review.charts import publish
from carryover.review.pdf import html_pdf, paper_for

from . import services
from .access import get_own_entry, own_entries
from .forms import ActivityForm, EntryFilterForm, PatternsForm
from .patterns_page import patterns_for, title_of
from .search import matching, search_terms, snippet

PAGE_SIZE = 25


def _check(request: AuthedRequest, form: ActivityForm) -> None:
    """Validate the filters; asking for someone else's activity is refused (and audited) like any stranger's read."""
    form.is_valid()
    foreign = form.foreign_activity()
    if foreign is not None:
        deny(request, action=Action.READ, object_type="assignment", object_id=foreign)


def _rows(entries) -> list[dict]:
    return [{"entry": e, "title": title_of(e), "snippet": snippet(e)} for e in entries]


@role_required(Role.CLIENT)
def my_entries(request: AuthedRequest) -> HttpResponse:
    me = get_own_client_record(request, object_type="my_entries")
    searching = request.method == "POST"  # the words looked for travel in a body, never in a URL
    form = EntryFilterForm(request.POST if searching else request.GET, client=me)
    _check(request, form)
    entries = form.narrow(own_entries(me)).order_by("-done_on", "-submitted_at", "-id")
    entries = entries.annotate(
        files=Count("attachments", distinct=True), comment_count=Count("comments", distinct=True)
    )
    context: dict = {"form": form, "searching": searching}
    terms = search_terms(form.cleaned_data.get("q", "")) if searching else []
    if terms:
        context["results"] = _rows(matching(entries, terms))
    else:
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        context |= {"page": page, "rows": _rows(page.object_list)}
        if searching and not form.errors.get("q"):
            form.add_error("q", _("Type a word or two you remember writing."))
    return TemplateResponse(request, "progress/entries.html", context)


@role_required(Role.CLIENT)
def my_entry(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = get_own_entry(request, pk)
    context = {
        "entry": entry,
        "title": title_of(entry),
        "opened": not entry.is_private and services.entry_opened(entry),
        "show_content": True,
        "steps": display_entry(entry),
        "comments": entry.comments.select_related("author"),
        "panels": panels_for("my_entry", request=request, client=entry.client, entry=entry),
    }
    return TemplateResponse(request, "progress/entry.html", context)


@require_POST
@role_required(Role.CLIENT)
def my_entry_visibility(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = get_own_entry(request, pk, action=Action.UPDATE)
    choice = request.POST.get("visibility")
    try:
        if choice == "shared":
            services.entry_share(entry=entry, actor=request.user)
            messages.success(request, _("Shared. Your therapist can now read this entry."))
        elif choice == "private":
            services.entry_make_private(entry=entry, actor=request.user)
            messages.success(request, _("Made private. Only you can see what you wrote; it still counts as practice."))
        else:
            messages.error(request, _("Please choose whether to share this entry or keep it private."))
    except services.ChangeRefused as refused:
        messages.info(request, str(refused))
    return redirect("my_entry", entry.pk)


@require_POST
@role_required(Role.CLIENT)
def my_entry_talk(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = get_own_entry(request, pk, action=Action.UPDATE)
    choice = request.POST.get("talk")
    if choice not in ("yes", "no"):
        messages.error(request, _("Please choose whether you want to talk about this next session."))
    else:
        services.entry_talk_set(entry=entry, actor=request.user, talk=choice == "yes")
        if choice == "yes":
            messages.success(request, _("Noted: you'd like to talk about this next session."))
        else:
            messages.success(request, _("Cleared: no need to talk about this one."))
    return redirect("my_entry", entry.pk)


@role_required(Role.CLIENT)
def my_patterns(request: AuthedRequest) -> HttpResponse:
    me = get_own_client_record(request, object_type="my_patterns")
    form = PatternsForm(request.GET, client=me)
    _check(request, form)
    context = patterns_for(me, today=local_today(request.user), period=form.chosen_period(), narrow=form.narrow)
    publish((chart for section in context["sections"] for chart in section.charts), me.user_id)
    return TemplateResponse(request, "progress/patterns.html", {**context, "form": form})


@role_required(Role.CLIENT)
def my_patterns_pdf(request: AuthedRequest) -> HttpResponse:
    me = get_own_client_record(request, action=Action.EXPORT, object_type="my_patterns")
    form = PatternsForm(request.GET, client=me)
    _check(request, form)
    today = local_today(request.user)
    context = patterns_for(me, today=today, period=form.chosen_period(), narrow=form.narrow)
    context |= {"today": today, "prepared_at": timezone.now(), "form": form}
    paper = paper_for(me.practice.country, None)
    pdf = html_pdf("progress/patterns_pdf.html", context, request=request, paper=paper, css=("carryover/progress.css",))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="my-patterns-{today}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
