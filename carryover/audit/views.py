"""The practice admin's audit log page: the practice's events, filtered and paged."""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.template.response import TemplateResponse

from carryover.accounts.access import get_practice_for_admin, role_required
from carryover.accounts.models import Role
from carryover.lib.types import AuthedRequest

from .forms import AuditFilterForm
from .models import Action, AuditEvent, Outcome
from .services import audit_people, audit_record


@role_required(Role.ADMIN)
def audit_log(request: AuthedRequest) -> HttpResponse:
    practice = get_practice_for_admin(request)
    form = AuditFilterForm(request.GET or None)
    events: QuerySet[AuditEvent] = AuditEvent.objects.filter(practice_id=practice.pk)
    if form.is_valid():
        events = form.apply(events, practice_id=practice.pk)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    people = audit_people(practice_id=practice.pk, events=page)
    audit_record(
        actor_id=request.user.pk,
        practice_id=practice.pk,
        client_id=None,
        action=Action.READ,
        object_type="audit_log",
        outcome=Outcome.ALLOWED,
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "people": people, "query": query.urlencode()}
    return TemplateResponse(request, "audit/log.html", context)
