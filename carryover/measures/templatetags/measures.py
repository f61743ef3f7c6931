"""Filters for the measures app's own templates. Pure: blocks on other apps' pages come from measures/panels.py,
called by those pages' views."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def plan_part(content: dict | None, key: str) -> str:
    return (content or {}).get(key, "")
