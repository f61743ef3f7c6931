"""What every page's frame needs, for `base.html`: who is signed in, their menu, the practice's word for
the work, and the idle time-out the page counts down."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .middleware import idle_limit_for
from .models import WORK_WORDS, Role, Terminology

NAV = {
    Role.CLIENT: [
        ("client_home", _("Home")),
        ("reminder_settings", _("Reminders")),
        ("support_settings", _("Support")),
    ],
    Role.SUPPORT: [("support_home", _("Home")), ("support_worried", _("Worried about them?"))],
    Role.THERAPIST: [
        ("caseload", _("Caseload")),
        ("library", _("Library")),
        ("therapist_attention", _("Needs attention")),
    ],
    Role.ADMIN: [
        ("practice_home", _("Practice")),
        ("audit_log", _("Audit log")),
        ("reminder_failures", _("Reminders")),
    ],
}


def shell(request: HttpRequest) -> dict:
    """What every page's frame needs: who is here, their menu, the practice's word for the work."""
    user = getattr(request, "user", None)
    membership = user.membership_or_none if user is not None and user.is_authenticated else None
    terminology = membership.practice.terminology if membership else Terminology.ACTIVITIES
    singular, plural = WORK_WORDS[terminology]
    context = {
        "membership": membership,
        "nav": NAV.get(membership.role, []) if membership else [],
        "work_singular": singular,
        "work_plural": plural,
    }
    if membership is not None:
        context["idle_seconds"] = idle_limit_for(user)
        context["idle_warning_seconds"] = settings.IDLE_WARNING_BEFORE
    return context
