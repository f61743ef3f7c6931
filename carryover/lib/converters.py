"""The `<id:...>` path converter: a database id, and nothing that cannot be one.

Django's `<int:...>` takes any number of digits, and an id past the database's 64-bit integers crashes the query
(and the audit row for it) with a 500. Capping the digits makes such a URL an ordinary 404 at the resolver.
"""

import re

from django.urls.converters import IntConverter


class IdConverter(IntConverter):
    regex = "[0-9]{1,18}"  # every 18-digit number fits a signed 64-bit integer


def parse_id(text: str | None) -> int | None:
    """An id typed into a query string, or None: no crash on "abc", "²" (a digit to str.isdigit) or 10**30."""
    text = (text or "").strip()
    return int(text) if re.fullmatch(IdConverter.regex, text, flags=re.ASCII) else None
