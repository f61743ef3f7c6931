"""A date field's value is an ISO date in every language: the browser's date picker takes nothing else, and the
en-GB or Spanish format left the assign form's prefilled start date empty (a required field, so Save failed)."""

from __future__ import annotations

import re

import time_machine
from django.urls import reverse

from carryover.conftest import reading_in
from carryover.homework.models import Template
from carryover.homework.services import builtin_sync


def test_date_fields_carry_an_iso_value_whatever_the_readers_language(client, personas):
    builtin_sync()
    journal = Template.objects.get(key="journal", practice__isnull=True)
    client.force_login(personas.alice)
    url = reverse("assign", args=[personas.bob.pk, journal.pk])
    with time_machine.travel("2026-03-09 09:00 +00:00", tick=False):
        for language in ("en-gb", "en-us", "es"):
            with reading_in(personas.alice, language):
                page = client.get(url).content.decode()
            assert re.search(r'<input type="date" name="start_date" value="2026-03-09"', page), language
