"""Form widgets whose value the browser, not the reader's locale, dictates.

An `<input type="date">` takes only an ISO date (`2026-03-09`) as its value and shows it in the browser's own locale;
Django's `DateInput` writes the active language's first input format (`09/03/2026` in en-GB and Spanish), which the
browser rejects, leaving the field empty. Every date field uses this one widget.
"""

from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")
