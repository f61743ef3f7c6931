"""The reminders app's configuration."""

from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """Reminder schedules, deliveries and channels (email, web push, calendar feed)."""

    name = "carryover.reminders"
    label = "reminders"
