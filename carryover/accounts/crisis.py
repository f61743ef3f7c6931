"""Default crisis lines per country. Every number, its source and the day it was checked: docs/crisis-lines.md.
A practice starts with its country's defaults and may edit its own copy.

The emergency number comes first in each list: it is the one button a person in danger must see first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, NotRequired, TypedDict

if TYPE_CHECKING:
    from .models import CrisisResource


class DefaultLine(TypedDict):
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
            {"name": "Emergency services", "how": "If you are in immediate danger, call 911.", "phone": "911"},
            {
                "name": "988 Suicide & Crisis Lifeline",
                "how": "Call or text 988, any time. Veterans press 1.",
                "phone": "988",
                "sms": "988",
                "url": "https://988lifeline.org/",
            },
            {
                "name": "Crisis Text Line",
                "how": "Text HOME to 741741, any time.",
                "sms": "741741",
                "sms_body": "HOME",
                "url": "https://www.crisistextline.org/",
            },
        ),
    ),
    "GB": CountryDefaults(
        label="United Kingdom",
        checked=date(2026, 11, 22),
        lines=(
            {"name": "Emergency services", "how": "If your life is at risk, call 999 or go to A&E.", "phone": "999"},
            {
                "name": "NHS 111, option 2",
                "how": "Call 111 and choose option 2 for urgent mental health help (England), 24/7.",
                "phone": "111",
            },
            {
                "name": "Samaritans",
                "how": "Call 116 123, free, any time.",
                "phone": "116 123",
                "url": "https://www.samaritans.org/",
            },
            {
                "name": "Shout",
                "how": "Text SHOUT to 85258, any time.",
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
            {"name": "Emergency services", "how": "If you are in immediate danger, call 911.", "phone": "911"},
            {
                "name": "9-8-8: Suicide Crisis Helpline",
                "how": "Call or text 988, any time, in English or French.",
                "phone": "988",
                "sms": "988",
                "url": "https://988.ca/",
            },
            {
                "name": "Kids Help Phone",
                "how": "For young people: call 1-800-668-6868 or text 686868, any time.",
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
            {"name": "Emergency services", "how": "If your life is at risk, call 112 or 999.", "phone": "112"},
            {
                "name": "Samaritans",
                "how": "Call 116 123, free, any time.",
                "phone": "116 123",
                "url": "https://www.samaritans.org/",
            },
            {
                "name": "50808 text service",
                "how": "Text 50808, free, any time.",
                "sms": "50808",
            },
        ),
    ),
    "AU": CountryDefaults(
        label="Australia",
        checked=date(2026, 12, 1),
        lines=(
            {"name": "Emergency services", "how": "If your life is at risk, call 000.", "phone": "000"},
            {
                "name": "Lifeline",
                "how": "Call 13 11 14 or text 0477 13 11 14, any time.",
                "phone": "13 11 14",
                "sms": "0477 13 11 14",
                "url": "https://www.lifeline.org.au/",
            },
            {
                "name": "Suicide Call Back Service",
                "how": "Call 1300 659 467, any time.",
                "phone": "1300 659 467",
                "url": "https://www.suicidecallbackservice.org.au/",
            },
        ),
    ),
    "NZ": CountryDefaults(
        label="New Zealand",
        checked=date(2026, 12, 1),
        lines=(
            {"name": "Emergency services", "how": "If your life is at risk, call 111.", "phone": "111"},
            {
                "name": "Need to talk? 1737",
                "how": "Call or text 1737, free, any time, to talk with a trained counsellor.",
                "phone": "1737",
                "sms": "1737",
                "url": "https://1737.org.nz/",
            },
            {
                "name": "Lifeline Aotearoa",
                "how": "Call 0800 543 354 or text 4357 (HELP), free, any time.",
                "phone": "0800 543 354",
                "sms": "4357",
                "url": "https://www.lifeline.org.nz/",
            },
            {
                "name": "Suicide Crisis Helpline",
                "how": "Call 0508 828 865, free, any time.",
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
    return [CrisisResource(position=i, last_verified=defaults.checked, **line) for i, line in enumerate(defaults.lines)]


def content_of(resource: CrisisResource) -> tuple[str, ...]:
    return tuple(getattr(resource, field) for field in CONTENT_FIELDS)


# Every default line of every country, as content: a practice's row equal to one of these is a copy nobody edited.
_ALL_DEFAULT_CONTENT = frozenset(
    content_of(resource) for country in DEFAULTS for resource in default_resources(country)
)


def is_unedited_default(resource: CrisisResource) -> bool:
    return content_of(resource) in _ALL_DEFAULT_CONTENT


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
