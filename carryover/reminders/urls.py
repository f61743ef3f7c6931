"""URLs of the reminder pages, the calendar feed and the installed app's files."""

from django.urls import path

from . import views

urlpatterns = [
    path("reminders/", views.reminder_settings, name="reminder_settings"),
    path("reminders/later/", views.reminder_later, name="reminder_later"),
    path("reminders/feed/", views.feed_token, name="reminder_feed_token"),
    path("reminders/calendar/", views.calendar_page, name="calendar_page"),
    # The secret goes in the query string, which the access log leaves out (bin/serve.py).
    path("reminders/calendar.ics", views.calendar_feed, name="calendar_feed"),
    path("reminders/push/", views.push_subscribe, name="push_subscribe"),
    path("reminders/push/<id:pk>/remove/", views.push_unsubscribe, name="push_unsubscribe"),
    path("practice/reminders/failures/", views.reminder_failures, name="reminder_failures"),
    path("attention/", views.therapist_attention, name="therapist_attention"),
    path("manifest.webmanifest", views.manifest, name="web_manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
]
