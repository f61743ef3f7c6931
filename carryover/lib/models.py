"""Heartbeats: long-running processes (the clocks) record when they last did their work, for `/readyz`."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Heartbeat(models.Model):
    """One row per kind of process; any machine's process of that kind moves it forward."""

    name = models.CharField(max_length=40, primary_key=True)
    beat_at = models.DateTimeField()

    @classmethod
    def beat(cls, name: str) -> None:
        cls.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})

    @classmethod
    def age_seconds(cls, name: str) -> float | None:
        """Seconds since the last beat, or None if there never was one."""
        beat_at = cls.objects.filter(name=name).values_list("beat_at", flat=True).first()
        return None if beat_at is None else (timezone.now() - beat_at).total_seconds()
