"""Completing a measure on a phone: one question per screen, every answer saved to the draft as it is given, so a
client can stop and come back; the last screen sends it, and it is scored once."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from carryover.homework import overlay
from carryover.homework import schema as worksheet
from carryover.homework import services as homework
from carryover.homework.flow import already_sent, offline_steps
from carryover.homework.models import BarrierCode, Draft, Occurrence
from carryover.homework.render import bind_step
from carryover.lib.converters import parse_id
from carryover.lib.devicecache import keeping_copy
from carryover.lib.types import AuthedRequest

from . import risk, services
from .instruments import MEASURES


def _step_from(value, total: int) -> int:
    step = parse_id(str(value or "0"))
    return min(step, total - 1) if step is not None else 0


def measure_flow(request: AuthedRequest, occurrence: Occurrence, measure: str) -> HttpResponse:
    if request.GET.get("skip") or request.POST.get("go") == "skip":
        return _skip(request, occurrence)
    version = occurrence.assignment.template_version
    if request.method == "GET" and keeping_copy(request):  # the phone keeping each question for no signal
        return _offline_copy(request, occurrence, measure)
    draft = homework.draft_for(client=occurrence.client, occurrence=occurrence, version=version)
    schema = version.schema
    total = len(schema["steps"])
    step = _step_from(request.GET.get("step") or draft.raw.get("_step"), total)
    errors: dict[str, str] = {}
    if request.method == "POST":
        step = _step_from(request.POST.get("step"), total)
        before = dict(draft.raw)
        try:
            homework.draft_save(draft=draft, updates=worksheet.raw_from_post(schema, request.POST, step))
        except homework.DraftGone:  # sent meanwhile by a double-click or another device
            return already_sent(request, occurrence)
        check = risk.draft_check(draft=draft, before=before)
        errors = _step_errors(draft, step)
        action = request.POST.get("go", "next")
        if action == "back":
            step, errors = max(step - 1, 0), {}
        elif not errors and action == "finish":
            return _finish(request, draft, measure)
        elif not errors:
            step = min(step + 1, total - 1)
        with contextlib.suppress(homework.DraftGone):  # sent meanwhile: the redirect finds it sent
            homework.draft_save(draft=draft, updates={"_step": str(step)})
        if check.crisis:  # at once, not at the final send: the rest can wait
            return redirect("crisis_support")
        if not errors:
            return redirect(f"{request.path}?step={step}")
    return TemplateResponse(request, "measures/flow.html", _context(draft, occurrence, measure, step, errors))


def _offline_copy(request: AuthedRequest, occurrence: Occurrence, measure: str) -> HttpResponse:
    """One question for the phone to keep: shown without starting the questionnaire (an unsaved draft when none
    is started, as a worksheet's copy), so keeping it holds nothing in the schedule."""
    version = occurrence.assignment.template_version
    draft = getattr(occurrence, "draft", None) or Draft(
        client=occurrence.client, occurrence=occurrence, template_version=version
    )
    step = _step_from(request.GET.get("step"), len(version.schema["steps"]))
    return TemplateResponse(request, "measures/flow.html", _context(draft, occurrence, measure, step, {}))


def _step_errors(draft: Draft, step: int) -> dict[str, str]:
    """A wrong value, or (for a scored item) no answer: every item is needed for a score."""
    schema = {"steps": [draft.template_version.schema["steps"][step]]}
    _answers, errors = worksheet.clean_answers(schema, draft.raw, require_complete=True)
    return {name: "Please choose one answer." if "fill" in message else message for name, message in errors.items()}


def _finish(request: AuthedRequest, draft: Draft, measure: str) -> HttpResponse:
    try:
        result = services.measure_submit(draft=draft)
    except homework.SubmissionError as error:
        if "form" in error.errors:  # already sent: nothing more to do
            return already_sent(request, draft.occurrence)
        missing = [
            i
            for i, s in enumerate(draft.template_version.schema["steps"])
            if f"f-{s['fields'][0]['key']}" in error.errors
        ]
        messages.error(request, _("A few questions still need an answer; your other answers are kept."))
        step = missing[0] if missing else 0
        homework.draft_save(draft=draft, updates={"_step": str(step)})
        return redirect(f"{request.path}?step={step}")  # which questions are unanswered stays out of the URL
    if risk.has_risk_answer(result.entry):
        return redirect("crisis_support")
    messages.success(
        request,
        _("Thank you. Your answers to the %(name)s were sent to your therapist.") % {"name": MEASURES[measure]["name"]},
    )
    return redirect("client_home")


def _skip(request: AuthedRequest, occurrence: Occurrence) -> HttpResponse:
    if request.method == "POST":
        barriers = [code for code in request.POST.getlist("o-barriers") if code in BarrierCode.values]
        try:
            homework.skip_occurrence(client=occurrence.client, occurrence=occurrence, barriers=barriers)
        except homework.SubmissionError:
            messages.info(request, services.ALREADY_SENT)
        else:
            messages.success(request, _("Saved. Thank you for letting your therapist know."))
        return redirect("client_home")
    context = {"occurrence": occurrence, "barriers": BarrierCode.choices}
    return TemplateResponse(request, "measures/skip.html", context)


def _context(draft: Draft, occurrence: Occurrence, measure: str, step: int, errors: dict) -> dict:
    texts = overlay.localized(draft.template_version)  # the published Spanish items for a Spanish reader
    schema = texts["schema"]
    answered = sum(1 for s in schema["steps"] if draft.raw.get(f"f-{s['fields'][0]['key']}"))
    return {
        "draft": draft,
        "assignment": occurrence.assignment,
        "occurrence": occurrence,
        "measure": MEASURES[measure],
        "step": step,
        "position": step + 1,
        "total": len(schema["steps"]),
        "answered": answered,
        "is_first": step == 0,
        "is_last": step == len(schema["steps"]) - 1,
        "sheet_step": schema["steps"][step],
        "fields": bind_step(schema, step, draft.raw, errors, formats=["write"]),
        "errors": errors,
        "texts": texts,
        "content_lang": overlay.untranslated(draft.template_version),
        # For a phone with no signal (`homework/_offline_form.html`): where it sends what it kept, and its steps.
        "offline_url": reverse("measure_offline", args=[occurrence.pk]),
        "offline_steps": ",".join(offline_steps(draft.template_version)),
    }
