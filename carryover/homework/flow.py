"""The step-by-step form a client fills in on a phone: worksheet steps, then how it went, what got in the way,
and a few quick questions afterwards. Every step is saved to the draft, so nothing typed is ever lost."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from carryover.lib.recovery import recovered_initial
from carryover.lib.types import AuthedRequest

from . import overlay, services
from . import schema as worksheet
from .attachments import AttachmentError, attachment_store, decode_data_url
from .fields import ATTACHMENT_TYPES, Format
from .hooks import risk_watch
from .models import (
    PARTIAL_FRACTIONS,
    Assignment,
    BarrierCode,
    Draft,
    Occurrence,
    Outcome,
    TemplateVersion,
    Visibility,
)
from .outcome import AfterForm, OutcomeForm, sent_values
from .render import bind_step, visible_schema

OUTCOME, BARRIERS, AFTER = "outcome", "barriers", "after"
PART = "part"  # the button beside Next on a worksheet step: "I only did part of it"


def flow_steps(draft: Draft, assignment: Assignment | None) -> list[str]:
    sheet = [str(i) for i in range(len(draft.template_version.schema["steps"]))]
    if assignment is None:  # a skill practised on one's own is done by definition
        return [*sheet, AFTER]
    outcome = draft.raw.get("o-outcome")
    if outcome == Outcome.SKIPPED:
        return [*sheet, OUTCOME, BARRIERS]
    if outcome == Outcome.PARTIAL:
        return [*sheet, OUTCOME, BARRIERS, AFTER]
    return [*sheet, OUTCOME, AFTER]


def offline_steps(version: TemplateVersion) -> list[str]:
    """Every step an assigned activity can show, in order, for a phone filling it in offline: it cannot ask the
    server which come next, so "what got in the way" is among them and the phone skips it after "Done". A
    questionnaire is its questions only (one a screen, always "done": `measures/flow.py`)."""
    sheet = [str(i) for i in range(len(version.schema["steps"]))]
    return sheet if version.is_questionnaire else [*sheet, OUTCOME, BARRIERS, AFTER]


def offline_copy(request: AuthedRequest, draft: Draft, assignment: Assignment) -> HttpResponse:
    """One step of an activity, for the phone to keep (service worker, `?step=`): any of the steps it may need
    offline, whatever the draft says so far; an activity not started is shown from an unsaved draft, so keeping it
    starts nothing (a started draft holds its occurrence in the schedule)."""
    steps = offline_steps(draft.template_version)
    step = request.GET.get("step") or steps[0]
    step = step if step in steps else steps[0]
    context = _context(draft, assignment, steps, step, {}, focus_heading="step" in request.GET)
    return TemplateResponse(request, "homework/flow.html", context)


def step_of(name: str, draft: Draft) -> str:
    if name.startswith("o-barrier"):
        return BARRIERS
    if name.startswith("o-"):
        return OUTCOME
    if name.startswith("a-"):
        return AFTER
    for index, step in enumerate(draft.template_version.schema["steps"]):
        for field in step.get("fields", []):
            if name == f"f-{field['key']}" or name.startswith(f"f-{field['key']}-"):
                return str(index)
    return "0"


def raw_from_request(request: AuthedRequest, draft: Draft) -> dict[str, Any]:
    raw = worksheet.raw_from_post(draft.template_version.schema, request.POST)
    raw.update(sent_values(request.POST))
    return raw


BARRIER_SPOKEN = "o-barrier_spoken"  # "what got in the way" as a voice note, with voice allowed (the recording field's)


def _store_uploads(request: AuthedRequest, draft: Draft, step: str, updates: dict, errors: dict) -> None:
    formats = draft.occurrence.assignment.formats if draft.occurrence else Format.values
    if step == BARRIERS and Format.VOICE in formats:
        _store_upload(request, draft, BARRIER_SPOKEN, "audio", updates, errors)
    if not step.isdigit():
        return
    for field in visible_schema(draft.template_version.schema, formats)["steps"][int(step)].get("fields", []):
        if field["type"] in ATTACHMENT_TYPES:
            _store_upload(request, draft, f"f-{field['key']}", field["type"], updates, errors)


def _store_upload(request: AuthedRequest, draft: Draft, name: str, kind: str, updates: dict, errors: dict) -> None:
    """One file or drawing posted under `name` (`<name>-file`, `<name>-drawing`): stored, and its id is the answer."""
    upload = request.FILES.get(name + "-file")
    drawing = request.POST.get(name + "-drawing", "")
    if not upload and not drawing:
        return
    try:
        if upload and (upload.size or 0) > 64 * 1024 * 1024:
            raise AttachmentError(_("That file is far too large. Please try a smaller one."))
        data = upload.read() if upload else decode_data_url(drawing)
        attachment = attachment_store(draft=draft, field_key=name[2:], field_type=kind, data=data)
    except AttachmentError as error:
        errors[name] = str(error)
    else:
        updates[name] = str(attachment.pk)


def _step_errors(draft: Draft, step: str, *, complete: bool = False) -> dict[str, str]:
    """Wrong values on this step, and with `complete` its empty "(needed)" answers too: Next asks for those at
    their own step, unless the client has already said they did only part of it."""
    complete = complete and draft.raw.get("o-outcome") not in (Outcome.PARTIAL, Outcome.SKIPPED)
    errors = _answer_errors(draft, complete=complete)
    errors.update(AfterForm(draft.raw).named_errors())
    if draft.raw.get("o-outcome"):
        errors.update(OutcomeForm(draft.raw).named_errors())
    return {name: message for name, message in errors.items() if step_of(name, draft) == step}


def autosave_warning(draft: Draft, updates: dict[str, Any]) -> str:
    """What the autosave says instead of "Saved" when an answer just typed could not be sent as it is (too long,
    not a number): the same words the step shows on Next. The draft keeps it anyway."""
    errors = _answer_errors(draft, complete=False)
    return next((message for name, message in errors.items() if name in updates), "")


def _answer_errors(draft: Draft, *, complete: bool) -> dict[str, str]:
    """The worksheet answers' errors, checked as sending them would (the client's ladder, the draft's files)."""
    _answers, errors = worksheet.clean_answers(
        visible_schema(draft.template_version.schema, services.draft_formats(draft)),
        draft.raw,
        require_complete=complete,
        ladder=services.ladder_choices(draft.client),
        attachments=draft.attachments.values_list("pk", flat=True),
    )
    return errors


def worksheet_flow(request: AuthedRequest, draft: Draft, assignment: Assignment | None) -> HttpResponse:
    if _merge_recovered(request, draft):  # a risk answer that was typed is an answer given
        return redirect("crisis_support")
    steps, step = _opening_step(request, draft, assignment)
    errors: dict[str, str] = {}
    if request.method == "POST":
        saved = _save_step(request, draft, assignment, step)
        if isinstance(saved, HttpResponse):
            return saved
        steps, step, errors = saved
    # Arriving at a step from Next or Back (or back with errors), focus goes to its heading, not the top of the page.
    moved = request.method == "POST" or "step" in request.GET
    context = _context(draft, assignment, steps, step, errors, focus_heading=moved)
    return TemplateResponse(request, "homework/flow.html", context)


def _merge_recovered(request: AuthedRequest, draft: Draft) -> bool:
    """What was typed before a sign-out or an expired form goes back into the draft; whether it needs the crisis
    screen."""
    recovered = recovered_initial(request)
    if not recovered:
        return False
    before = dict(draft.raw)
    services.draft_save(draft=draft, updates={k: v for k, v in recovered.items() if k[:2] in ("f-", "o-", "a-")})
    return risk_watch().draft_saved(draft=draft, before=before)


def _opening_step(request: AuthedRequest, draft: Draft, assignment: Assignment | None) -> tuple[list[str], str]:
    steps = flow_steps(draft, assignment)
    step = request.GET.get("step") or draft.raw.get("_step") or steps[0]
    if request.GET.get("skip") and assignment is not None:
        services.draft_save(draft=draft, updates={"o-outcome": Outcome.SKIPPED})
        steps, step = flow_steps(draft, assignment), OUTCOME
    return steps, step if step in steps else steps[0]


def _save_step(
    request: AuthedRequest, draft: Draft, assignment: Assignment | None, step: str
) -> HttpResponse | tuple[list[str], str, dict[str, str]]:
    """Save a posted step: where to go next, or the page again with (steps, step, errors)."""
    errors: dict[str, str] = {}
    action = request.POST.get("go", "next")
    updates = raw_from_request(request, draft)
    if action == PART and assignment is not None:  # "I did part of it": the rest of the worksheet can wait
        updates["o-outcome"] = Outcome.PARTIAL
    _store_uploads(request, draft, step, updates, errors)
    before = dict(draft.raw)
    try:
        services.draft_save(draft=draft, updates=updates)
    except services.DraftGone:  # sent meanwhile by a double-click or another device
        return already_sent(request, draft.occurrence)
    crisis = risk_watch().draft_saved(draft=draft, before=before)
    steps = flow_steps(draft, assignment)
    errors.update(_step_errors(draft, step, complete=action in ("next", "finish") and step.isdigit()))
    if not errors and action == "finish" and step == steps[-1]:
        sent = _send(request, draft, assignment)
        if isinstance(sent, HttpResponse):
            return sent
        errors, step = sent, step_of(next(iter(sent)), draft)
    elif not errors:
        step = _next_step(steps, step, action, partial=assignment is not None)
    with contextlib.suppress(services.DraftGone):  # sent meanwhile: the redirect finds it sent
        services.draft_save(draft=draft, updates={"_step": step})
    if crisis:  # at once, not at the final send: the rest can wait
        return redirect("crisis_support")
    if not errors:
        return redirect(f"{request.path}?step={step}")
    return steps, step, errors


def _next_step(steps: list[str], step: str, action: str, *, partial: bool) -> str:
    """Where a step saved without errors leads: "I did part of it" to how it went, else back or on."""
    if action == PART and partial:
        return OUTCOME
    position = steps.index(step) if step in steps else 0
    return steps[max(position - 1, 0)] if action == "back" else steps[min(position + 1, len(steps) - 1)]


def _send(request: AuthedRequest, draft: Draft, assignment: Assignment | None) -> HttpResponse | dict[str, str]:
    """Send the finished draft: where to go next, or the answers that need a look."""
    try:
        outcome = Outcome.DONE if assignment is None else None
        entry, crisis = risk_watch().draft_send(draft=draft, outcome=outcome)
    except services.DraftGone:
        return already_sent(request, draft.occurrence)
    except services.SubmissionError as error:
        messages.error(request, _("A few answers need a look before this can be saved."))
        return error.errors
    messages.success(request, _thanks(entry.outcome))
    return redirect("crisis_support" if crisis else "client_home")


def already_sent(request: AuthedRequest, occurrence: Occurrence | None) -> HttpResponse:
    """A second send, a double-click or a retry (of a measure or a worksheet): the crisis screen again if what was
    sent had a risk answer, so nobody is dropped on Today after answering one."""
    if occurrence is not None and risk_watch().sent_with_risk(occurrence):
        return redirect("crisis_support")
    messages.info(request, services.ALREADY_SENT)
    return redirect("client_home")


def _thanks(outcome: str) -> str:
    if outcome == Outcome.DONE:
        return _("Saved. Well done for making time for this.")
    if outcome == Outcome.PARTIAL:
        return _("Saved. Part of it still counts — thank you for doing what you could.")
    return _("Saved. Thank you for being honest about what got in the way; that helps you and your therapist.")


def progress(steps: list[str], step: str) -> dict[str, Any]:
    """ "Step n of N" counted honestly from the start: the worksheet's steps, then one last step, "how it went",
    however many screens that takes (one more after "did part of it" or "didn't get to it")."""
    sheet = sum(1 for s in steps if s.isdigit())
    total = sheet + 1
    if step.isdigit():
        return {"position": int(step) + 1, "total": total, "closing": False}
    closing = [s for s in steps if not s.isdigit()]
    part = closing.index(step) if step in closing else 0
    # The bar moves within the last step too, without ever reaching the end before Save.
    return {"position": total, "total": total, "closing": True, "bar": sheet + (part + 1) / (len(closing) + 1)}


def _context(
    draft: Draft,
    assignment: Assignment | None,
    steps: list[str],
    step: str,
    errors: dict,
    *,
    focus_heading: bool = False,
) -> dict:
    texts = overlay.localized(draft.template_version)  # what the client reads, in their language; keys unchanged
    schema = texts["schema"]
    raw = draft.raw
    context: dict[str, Any] = {
        "texts": texts,
        "content_lang": overlay.untranslated(draft.template_version),
        "draft": draft,
        "assignment": assignment,
        "version": draft.template_version,
        "step": step,
        **progress(steps, step),
        "focus_heading": focus_heading,
        "is_last": step == steps[-1],
        "is_first": step == steps[0],
        "errors": errors,
        "raw": raw,
        "marked": None,
    }
    if step.isdigit():
        index = int(step)
        formats = assignment.formats if assignment else Format.values
        attachments = {a.pk: a for a in draft.attachments.all()} if draft.pk else {}
        context["sheet_step"] = schema["steps"][index]
        context["fields"] = bind_step(
            schema,
            index,
            raw,
            errors,
            formats=formats,
            ladder=services.ladder_choices(draft.client),
            attachments=attachments,
        )
        if index > 0:
            context["marked"] = worksheet.marked_item(
                {"steps": schema["steps"][:index]}, raw, raw=True
            )  # the hot thought stays in view on every later step
    else:
        context["marked"] = worksheet.marked_item(schema, raw, raw=True)
    context.update(
        barrier_voice=_barrier_voice(draft, assignment, errors) if step == BARRIERS else None,
        outcomes=Outcome.choices,
        fractions=PARTIAL_FRACTIONS.items(),
        barriers=BarrierCode.choices,
        visibilities=Visibility.choices,
        chosen_barriers=raw.get("o-barriers") or [],
        ten=range(11),
        others=_others_on_step(draft, step),
    )
    if assignment is not None and draft.occurrence_id:
        context["offline_steps"] = ",".join(offline_steps(draft.template_version))
    return context


def _barrier_voice(draft: Draft, assignment: Assignment | None, errors: dict) -> dict[str, Any] | None:
    """What got in the way, said aloud (voice allowed): bound as a recording field is (`fields/audio.html`)."""
    if assignment is None or Format.VOICE not in assignment.formats:
        return None
    value = str(draft.raw.get(BARRIER_SPOKEN) or "")
    attachment = draft.attachments.filter(pk=value).first() if value.isdigit() and draft.pk else None
    label = _("Or say it in a voice note (optional)")
    field = {"key": BARRIER_SPOKEN[2:], "type": "audio", "label": label, "required": False}
    error = errors.get(BARRIER_SPOKEN, "")
    return {"field": field, "name": BARRIER_SPOKEN, "value": value, "attachment": attachment, "error": error}


def _others_on_step(draft: Draft, step: str) -> list[tuple[str, Any]]:
    """Answers to this step's questions that were typed on another device and lost to a newer one (a phone's
    offline answers meeting the server's draft, `offline.py`): shown beside the form, never dropped."""
    others = draft.raw.get("_other") or {}
    fields = [field for sheet_step in draft.template_version.schema["steps"] for field in sheet_step.get("fields", [])]

    def label(name: str) -> str:
        for field in fields:
            prefix = f"f-{field['key']}"
            if name == prefix or name.startswith(prefix + "-"):
                return field.get("label", "")
        return ""

    return [
        (label(name), ", ".join(value) if isinstance(value, list) else str(value))
        for name, value in sorted(others.items())
        if value and step_of(name, draft) == step
    ]
