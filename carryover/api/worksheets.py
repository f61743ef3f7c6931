"""A therapist's own worksheets: create one, or save a new version of one of theirs, through the builder page's
own checks (`homework.builder.Builder`: the worksheet form, every field row, and the schema check), so a worksheet
the API accepts is exactly one the page would accept. Each save is a new version; assignments keep theirs.

The body's `fields` are the builder's rows in order; a row's errors come back as `fields.<n>.<name>`.
"""

from __future__ import annotations

from typing import Any

from django.utils.datastructures import MultiValueDict
from ninja import Status

from carryover.accounts.models import Role
from carryover.audit.models import Action
from carryover.homework.access import get_template_for_therapist
from carryover.homework.builder import PREFIX, Builder, unchanged
from carryover.homework.models import Template, TemplateVersion
from carryover.homework.services import custom_template_save
from carryover.lib.types import AuthedRequest

from . import schemas as s
from .access import member_in
from .conventions import check_if_match, idempotent
from .problems import Problem
from .serialize import template_out
from .therapist import work

router = work  # the library's router: one URL per path, whatever the method (GET /templates is there)


def _posted(payload: s.WorksheetIn) -> MultiValueDict:
    """The body as the builder page would post it."""
    data = MultiValueDict({"action": ["save"]})
    meta = payload.dict(exclude={"fields", "shared"})
    for name, value in meta.items():
        data[name] = str(value)
    if payload.shared:
        data["shared"] = "on"
    for n, row in enumerate(payload.fields):
        values = row.dict()
        values["choices"] = "\n".join(values["choices"])
        values["order"] = n + 1
        for name, value in values.items():
            if value is None or value is False:
                continue
            data[f"{PREFIX}-{n}-{name}"] = "on" if value is True else str(value)
    return data


def _errors(builder: Builder) -> list[dict[str, str]]:
    names = {"__all__": "body"}
    errors = [
        {"field": names.get(name, name), "message": str(message)}
        for name, messages in builder.form.errors.items()
        for message in messages
    ]
    errors += [{"field": "fields", "message": str(message)} for message in builder.rows.non_form_errors()]
    for n, form in enumerate(builder.rows.forms):
        for name, messages in form.errors.items():
            field = f"fields.{n}" if name == "__all__" else f"fields.{n}.{name}"
            errors += [{"field": field, "message": str(message)} for message in messages]
    return errors or [{"field": "fields", "message": "This worksheet could not be saved as it is."}]


def _checked(payload: s.WorksheetIn, *, base: TemplateVersion | None) -> Builder:
    builder = Builder(_posted(payload), base=base, initial={})
    if builder.content is None:
        raise Problem(422, "Some input was not valid: see `errors`.", code="validation", errors=_errors(builder))
    return builder


def _out(template_id: int) -> dict[str, Any]:
    return template_out(Template.objects.prefetch_related("versions").get(pk=template_id))


@router.post("/templates", response={201: s.TemplateOut}, summary="Make my own worksheet (the builder's checks)")
def template_create(request: AuthedRequest, payload: s.WorksheetIn):
    me = member_in(request, Role.THERAPIST, object_type="template", action=Action.CREATE)
    builder = _checked(payload, base=None)

    def create() -> tuple[int, Any]:
        assert builder.content is not None
        version = custom_template_save(therapist=me, template=None, shared=payload.shared, **builder.content)
        return 201, _out(version.template_id)

    return idempotent(request, create)


@router.put(
    "/templates/{template_id}",
    response={200: s.TemplateOut},
    summary="Save a new version of my own worksheet (send If-Match to avoid lost updates)",
)
def template_update(request: AuthedRequest, template_id: s.DbId, payload: s.WorksheetIn):
    template = get_template_for_therapist(request, template_id, own=True)
    check_if_match(request, _out(template.pk))
    latest = template.latest_version()
    builder = _checked(payload, base=latest)
    assert builder.content is not None
    if not unchanged(template, latest, builder.content, payload.shared):  # nothing changed: no new version
        custom_template_save(
            therapist=request.user.membership, template=template, shared=payload.shared, **builder.content
        )
    return Status(200, _out(template.pk))
