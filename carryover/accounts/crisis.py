"""Default crisis lines per country. Every number, its source and the day it was checked: docs/crisis-lines.md.
A practice starts with its country's defaults and may edit its own copy.

The emergency number comes first in each list: it is the one button a person in danger must see first.

Each default line also carries its words in Spanish (`es`), and says whether the service itself answers in Spanish
(`es_service`, with its own keyword: 988's "press 2" and "AYUDA"). A Spanish-speaking reader sees a practice's
unedited copies of the defaults in Spanish, with the Spanish-language services right after the emergency number
(`in_language`); a line the practice wrote or edited is shown as the practice wrote it.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, NotRequired, TypedDict

from django.utils import translation

if TYPE_CHECKING:
    from .models import CrisisResource


class LineWords(TypedDict):
    """A default line in another language: its name, how to use it, and the keyword its text starts with there."""

    name: str
    how: str
    sms_body: NotRequired[str]


class DefaultLine(TypedDict):
    es: LineWords  # in Spanish
    es_service: NotRequired[bool]  # the service answers in Spanish (docs/crisis-lines.md names the source)
    name: str
    how: str
    phone: NotRequired[str]
    sms: NotRequired[str]
    sms_body: NotRequired[str]  # what the text pre-fills: some lines start a conversation on a keyword
    url: NotRequired[str]


@dataclass(frozen=True)
class CountryDefaults:
    label: str
    checked: date  # when every line below was last checked against its source; shown beside each line
    lines: tuple[DefaultLine, ...]


# The fields that say what a client sees and dials; `last_verified` and `position` are bookkeeping.
CONTENT_FIELDS = ("name", "how", "phone", "sms", "sms_body", "url")

DEFAULTS: dict[str, CountryDefaults] = {
    "US": CountryDefaults(
        label="United States",
        checked=date(2026, 11, 22),
        lines=(
            {
                "name": "Emergency services",
                "how": "If you are in immediate danger, call 911.",
                "phone": "911",
                "es": {"name": "Emergencias", "how": "Si está en peligro inmediato, llame al 911."},
            },
            {
                "name": "988 Suicide & Crisis Lifeline",
                "how": "Call or text 988, any time. Veterans press 1.",
                "phone": "988",
                "sms": "988",
                "url": "https://988lifeline.org/",
                "es": {
                    "name": "988 Línea de Prevención del Suicidio y Crisis, en español",
                    "how": (
                        "Llame al 988 y marque 2 para hablar en español (veteranos: marque 1), o envíe AYUDA "
                        "por texto al 988. A cualquier hora."
                    ),
                    "sms_body": "AYUDA",
                },
                "es_service": True,
            },
            {
                "name": "Crisis Text Line",
                "how": "Text HOME to 741741, any time.",
                "sms": "741741",
                "sms_body": "HOME",
                "url": "https://www.crisistextline.org/",
                "es": {
                    "name": "Crisis Text Line, en español",
                    "how": "Envíe AYUDA por texto al 741741, a cualquier hora, para hablar con alguien en español.",
                    "sms_body": "AYUDA",
                },
                "es_service": True,
            },
        ),
    ),
    "GB": CountryDefaults(
        label="United Kingdom",
        checked=date(2026, 11, 22),
        lines=(
            {
                "name": "Emergency services",
                "how": "If your life is at risk, call 999 or go to A&E.",
                "phone": "999",
                "es": {
                    "name": "Emergencias",
                    "how": "Si su vida corre peligro, llame al 999 o vaya a urgencias (A&E).",
                },
            },
            {
                "name": "NHS 111, option 2",
                "how": "Call 111 and choose option 2 for urgent mental health help (England), 24/7.",
                "phone": "111",
                "es": {
                    "name": "NHS 111, opción 2",
                    "how": (
                        "Llame al 111 y elija la opción 2 para ayuda urgente de salud mental (Inglaterra), a toda hora."
                    ),
                },
            },
            {
                "name": "Samaritans",
                "how": "Call 116 123, free, any time.",
                "es": {"name": "Samaritans", "how": "Llame gratis al 116 123, a cualquier hora."},
                "phone": "116 123",
                "url": "https://www.samaritans.org/",
            },
            {
                "name": "Shout",
                "how": "Text SHOUT to 85258, any time.",
                "es": {
                    "name": "Shout",
                    "how": "Envíe SHOUT por texto al 85258, a cualquier hora.",
                    "sms_body": "SHOUT",
                },
                "sms": "85258",
                "sms_body": "SHOUT",
                "url": "https://giveusashout.org/",
            },
        ),
    ),
    "CA": CountryDefaults(
        label="Canada",
        checked=date(2026, 12, 1),
        lines=(
            {
                "name": "Emergency services",
                "how": "If you are in immediate danger, call 911.",
                "phone": "911",
                "es": {"name": "Emergencias", "how": "Si está en peligro inmediato, llame al 911."},
            },
            {
                "name": "9-8-8: Suicide Crisis Helpline",
                "how": "Call or text 988, any time, in English or French.",
                "es": {
                    "name": "9-8-8: Línea de ayuda en crisis de suicidio",
                    "how": "Llame o envíe un texto al 988, a cualquier hora, en inglés o en francés.",
                },
                "phone": "988",
                "sms": "988",
                "url": "https://988.ca/",
            },
            {
                "name": "Kids Help Phone",
                "how": "For young people: call 1-800-668-6868 or text 686868, any time.",
                "es": {
                    "name": "Kids Help Phone",
                    "how": "Para jóvenes: llame al 1-800-668-6868 o envíe un texto al 686868, a cualquier hora.",
                },
                "phone": "1-800-668-6868",
                "sms": "686868",
                "url": "https://kidshelpphone.ca/",
            },
        ),
    ),
    "IE": CountryDefaults(
        label="Ireland",
        checked=date(2026, 12, 1),
        lines=(
            {
                "name": "Emergency services",
                "how": "If your life is at risk, call 112 or 999.",
                "phone": "112",
                "es": {"name": "Emergencias", "how": "Si su vida corre peligro, llame al 112 o al 999."},
            },
            {
                "name": "Samaritans",
                "how": "Call 116 123, free, any time.",
                "es": {"name": "Samaritans", "how": "Llame gratis al 116 123, a cualquier hora."},
                "phone": "116 123",
                "url": "https://www.samaritans.org/",
            },
            {
                "name": "50808 text service",
                "how": "Text 50808, free, any time.",
                "es": {"name": "50808, servicio por texto", "how": "Envíe un texto gratis al 50808, a cualquier hora."},
                "sms": "50808",
            },
        ),
    ),
    "AU": CountryDefaults(
        label="Australia",
        checked=date(2026, 12, 1),
        lines=(
            {
                "name": "Emergency services",
                "how": "If your life is at risk, call 000.",
                "phone": "000",
                "es": {"name": "Emergencias", "how": "Si su vida corre peligro, llame al 000."},
            },
            {
                "name": "Lifeline",
                "how": "Call 13 11 14 or text 0477 13 11 14, any time.",
                "es": {
                    "name": "Lifeline",
                    "how": "Llame al 13 11 14 o envíe un texto al 0477 13 11 14, a cualquier hora.",
                },
                "phone": "13 11 14",
                "sms": "0477 13 11 14",
                "url": "https://www.lifeline.org.au/",
            },
            {
                "name": "Suicide Call Back Service",
                "how": "Call 1300 659 467, any time.",
                "es": {"name": "Suicide Call Back Service", "how": "Llame al 1300 659 467, a cualquier hora."},
                "phone": "1300 659 467",
                "url": "https://www.suicidecallbackservice.org.au/",
            },
        ),
    ),
    "NZ": CountryDefaults(
        label="New Zealand",
        checked=date(2026, 12, 1),
        lines=(
            {
                "name": "Emergency services",
                "how": "If your life is at risk, call 111.",
                "phone": "111",
                "es": {"name": "Emergencias", "how": "Si su vida corre peligro, llame al 111."},
            },
            {
                "name": "Need to talk? 1737",
                "how": "Call or text 1737, free, any time, to talk with a trained counsellor.",
                "es": {
                    "name": "Need to talk? 1737",
                    "how": (
                        "Llame o envíe un texto gratis al 1737, a cualquier hora, para hablar con un "
                        "consejero capacitado."
                    ),
                },
                "phone": "1737",
                "sms": "1737",
                "url": "https://1737.org.nz/",
            },
            {
                "name": "Lifeline Aotearoa",
                "how": "Call 0800 543 354 or text 4357 (HELP), free, any time.",
                "es": {
                    "name": "Lifeline Aotearoa",
                    "how": "Llame gratis al 0800 543 354 o envíe un texto al 4357 (HELP), a cualquier hora.",
                },
                "phone": "0800 543 354",
                "sms": "4357",
                "url": "https://www.lifeline.org.nz/",
            },
            {
                "name": "Suicide Crisis Helpline",
                "how": "Call 0508 828 865, free, any time.",
                "es": {"name": "Suicide Crisis Helpline", "how": "Llame gratis al 0508 828 865, a cualquier hora."},
                "phone": "0508 828 865",
            },
        ),
    ),
}


class NoCrisisDefaults(Exception):
    """A country for which Carryover holds no checked crisis lines: nothing may be switched to it."""


def defaults_for(country: str) -> CountryDefaults:
    try:
        return DEFAULTS[country]
    except KeyError:
        raise NoCrisisDefaults(
            f"Carryover has no checked crisis lines for “{country}” yet, so nothing was changed."
        ) from None


def default_resources(country: str) -> list[CrisisResource]:
    """The country's lines as unsaved rows, in order: saved for a practice, or shown as they are when signed out."""
    from .models import CrisisResource

    defaults = defaults_for(country)
    rows = []
    for position, line in enumerate(defaults.lines):
        content = {field: value for field, value in line.items() if field in CONTENT_FIELDS}
        rows.append(CrisisResource(position=position, last_verified=defaults.checked, **content))
    return rows


def content_of(resource: CrisisResource) -> tuple[str, ...]:
    return tuple(getattr(resource, field) for field in CONTENT_FIELDS)


# Every default line of every country, as content: a practice's row equal to one of these is a copy nobody edited.
_ALL_DEFAULT_CONTENT = frozenset(
    content_of(resource) for country in DEFAULTS for resource in default_resources(country)
)


def is_unedited_default(resource: CrisisResource) -> bool:
    return content_of(resource) in _ALL_DEFAULT_CONTENT


# A default line's content → its Spanish words and whether the service answers in Spanish.
_SPANISH: dict[tuple[str, ...], tuple[LineWords, bool]] = {
    content_of(row): (line["es"], line.get("es_service", False))
    for country, defaults in DEFAULTS.items()
    for row, line in zip(default_resources(country), defaults.lines, strict=True)
}


def in_language(resources: Iterable[CrisisResource], language: str | None = None) -> list[CrisisResource]:
    """The lines as a reader in `language` (the active language if not given) sees them. In Spanish: each
    unedited copy of a default line in its Spanish words (a copy, never saved), the first line (the emergency
    number) first, then the services that answer in Spanish, then the rest in the practice's order. A line the
    practice wrote or edited keeps its own words. Any other language: the lines as they are."""
    lines = list(resources)
    if (language or translation.get_language() or "").split("-")[0].lower() != "es":
        return lines
    shown = [_in_spanish(resource) for resource in lines]
    rest = shown[1:]
    return [line for line, _ in shown[:1]] + [r for r, s in rest if s] + [r for r, s in rest if not s]


def _in_spanish(resource: CrisisResource) -> tuple[CrisisResource, bool]:
    """(the line in Spanish, whether its service answers in Spanish); a practice's own line as it is."""
    spanish = _SPANISH.get(content_of(resource))
    if spanish is None:
        return resource, False
    words, service = spanish
    resource = copy.copy(resource)
    resource.name, resource.how = words["name"], words["how"]
    resource.sms_body = words.get("sms_body", resource.sms_body)
    return resource, service


def fingerprint(resources: Iterable[CrisisResource], country: str) -> str:
    """Names one state of a practice's lines, so a confirmation made against another state can be refused."""
    rows = sorted((r.pk, *content_of(r)) for r in resources)
    return hashlib.sha256(repr((country, rows)).encode()).hexdigest()


FALLBACK_COUNTRY = "US"  # a practice's default country too (Practice.country)


def country_for_visitor(*, asked: str, accept_language: str) -> str:
    """Whose lines a signed-out visitor sees first: the country they picked, else the first region their browser
    names ("en-GB,en;q=0.9" → GB), else the fallback. Links to every other country sit below the lines."""
    if asked.upper() in DEFAULTS:
        return asked.upper()
    for tag in accept_language.split(","):
        region = tag.split(";")[0].strip().split("-")[-1].upper()
        if "-" in tag and region in DEFAULTS:
            return region
    return FALLBACK_COUNTRY
