"""The crisis lines in the reader's language, for the one template that draws them (`_crisis_resources.html`):
every crisis surface shows the same lines in the same order (`accounts/crisis.py` `in_language`). No query."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from carryover.accounts import crisis

register = template.Library()


@register.filter
def in_reader_language(resources: Iterable[Any]) -> list[Any]:
    return crisis.in_language(resources)
