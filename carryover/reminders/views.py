"""The reminder pages: the client's settings, "later", the private calendar feed and its token, Web Push
subscriptions, the installed app's manifest and service worker; failed reminders and "needs attention" for staff."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from carryover.accounts.access import get_own_client_record, role_required
from carryover.accounts.models import Role
from carryover.audit.models import Action
from carryover.audit.services import audit_record
from carryover.homework.models import Assignment, AssignmentStatus
from carryover.lib.devicecache import OWNER_HEADER, owner_tag
from carryover.lib.types import AuthedRequest

from . import services
from .access import get_failures_for_admin, get_own_attention
from .feed import calendar_for
from .forms import DigestForm, LaterForm, SettingsForm, push_subscription_from_json
from .models import PushSubscription, Reminder
from .planning import settings_for
from .therapists import digest_settings


@role_required(Role.CLIENT)
def reminder_settings(request: AuthedRequest) -> HttpResponse:
    me = get_own_client_record(
        request, action=Action.UPDATE if request.method == "POST" else Action.READ, object_type="reminder_settings"
    )
    setting = settings_for(me)
    assignments = list(
        Assignment.objects.filter(client=me, status=AssignmentStatus.ACTIVE).select_related("reminder").order_by("pk")
    )
    form = SettingsForm(request.POST or None, assignments=assignments, setting=setting)
    if request.method == "POST" and form.is_valid():
        services.reminder_settings_save(client=me, data=form.data_object())
        messages.success(request, _("Reminder settings saved."))
        return redirect("reminder_settings")
    context = {
        "form": form,
        "log": Reminder.objects.filter(client=me).prefetch_related("deliveries")[:30],
        "next": services.next_reminder(me),
        "devices": PushSubscription.objects.filter(client=me),
        "has_feed": bool(setting.feed_token_hash),
        "vapid_key": settings.VAPID_PUBLIC_KEY,
        "later_form": LaterForm(),
    }
    return TemplateResponse(request, "reminders/settings.html", context)


@role_required(Role.CLIENT)
def reminder_later(request: AuthedRequest) -> HttpResponse:
    me = get_own_client_record(
        request, action=Action.UPDATE if request.method == "POST" else Action.READ, object_type="reminder_later"
    )
    form = LaterForm(request.POST or None)
    form.fields["when"].choices = list(services.later_choices(me).items())  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        messages.success(request, services.reminder_later(client=me, choice=form.cleaned_data["when"]))
        return redirect("client_home")
    return TemplateResponse(request, "reminders/later.html", {"form": form})


@require_POST
@role_required(Role.CLIENT)
def feed_token(request: AuthedRequest) -> HttpResponse:
    me = get_own_client_record(request, action=Action.UPDATE, object_type="calendar_feed_token")
    if request.POST.get("action") == "revoke":
        services.feed_token_revoke(client=me)
        messages.success(request, _("The calendar address no longer works."))
    else:
        token = services.feed_token_create(client=me)
        # Shown once, on the next page; only its hash is stored.
        request.session["new_feed_url"] = request.build_absolute_uri(
            reverse("calendar_feed") + "?" + urlencode({"key": token})
        )
        messages.success(request, _("Here is your new private calendar address. Any old one no longer works."))
    return redirect("calendar_page")


@role_required(Role.CLIENT)
def calendar_page(request: AuthedRequest) -> HttpResponse:
    """The calendar address on a page of its own: shown once after it is made, with Copy, a subscribe link and
    how to add it on an iPhone or with Google Calendar."""
    me = get_own_client_record(request, object_type="calendar_feed_token")
    feed_url = request.session.pop("new_feed_url", "")
    context = {
        "has_feed": bool(settings_for(me).feed_token_hash),
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1] if feed_url else "",
    }
    return TemplateResponse(request, "reminders/calendar.html", context)


@require_GET
def calendar_feed(request: HttpRequest) -> HttpResponse:
    client = services.client_for_feed_token(request.GET.get("key", ""))
    if client is None:
        raise Http404()
    audit_record(
        actor_id=client.user_id,
        practice_id=client.practice_id,
        client_id=client.user_id,
        action=Action.EXPORT,
        object_type="calendar_feed",
        object_id=client.user_id,
    )
    response = HttpResponse(calendar_for(client), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_POST
@role_required(Role.CLIENT)
def push_subscribe(request: AuthedRequest) -> HttpResponse:
    me = get_own_client_record(request, action=Action.UPDATE, object_type="push_subscription")
    try:
        subscription = push_subscription_from_json(request.body)
    except services.ReminderError as error:
        return JsonResponse({"error": str(error)}, status=400)
    services.push_subscribe(client=me, subscription=subscription)
    return JsonResponse({"ok": True})


@require_POST
@role_required(Role.CLIENT)
def push_unsubscribe(request: AuthedRequest, pk: int) -> HttpResponse:
    me = get_own_client_record(request, action=Action.DELETE, object_type="push_subscription")
    services.push_unsubscribe(client=me, pk=pk)
    messages.success(request, _("That device will no longer get notifications."))
    return redirect("reminder_settings")


@role_required(Role.ADMIN)
def reminder_failures(request: AuthedRequest) -> HttpResponse:
    failures = get_failures_for_admin(request)
    return TemplateResponse(request, "reminders/failures.html", {"failures": failures})


@role_required(Role.THERAPIST)
def therapist_attention(request: AuthedRequest) -> HttpResponse:
    me, attention = get_own_attention(request)
    form = DigestForm(request.POST or None, instance=digest_settings(me))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Summary email settings saved."))
        return redirect("therapist_attention")
    return TemplateResponse(request, "reminders/attention.html", {"attention": attention, "form": form})


@csrf_exempt  # a static file in effect; served by a view only to live at the site root with the right type
@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    return HttpResponse(render_to_string("reminders/manifest.webmanifest"), content_type="application/manifest+json")


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(render_to_string("reminders/sw.js"), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"  # browsers must see a new worker promptly
    # Whose session this is, for the page's check on reconnecting (offline.js): signed out or someone else → wipe.
    response[OWNER_HEADER] = owner_tag(request.user)
    return response
