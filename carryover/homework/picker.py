"""What a therapist picks from when assigning: the library searched by words and shelf, their favourites and what
they assigned lately, and the settings they last used for a worksheet (to start the assign form from).

The library is a few dozen worksheets per therapist, so the search runs over the latest versions in Python (three
queries whatever the words): every word typed must start a word of the name, summary or shelf, whatever the case
or hyphens ("7 col" finds "Thought record (7 columns)")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef
from django.utils.translation import gettext

from carryover.accounts.models import Membership

from .models import Assignment, Favourite, Template, TemplateVersion

RECENT = 5  # how many recently assigned worksheets are offered first
_WORD = re.compile(r"[\w%]+")


def latest_versions(therapist: Membership) -> list[TemplateVersion]:
    """The latest version of every worksheet this therapist may assign, by name: chosen by the database, so a
    worksheet edited many times costs no more than one edited once, and without the schema (its largest field),
    which a pick does not show."""
    newest = TemplateVersion.objects.filter(template=OuterRef("template")).order_by("-number").values("number")[:1]
    latest = TemplateVersion.objects.filter(template__in=Template.objects.visible_to(therapist), number=newest)
    return sorted(latest.select_related("template").defer("schema"), key=lambda v: (v.category, v.name))


def shelf_of(version: TemplateVersion, therapist: Membership) -> str:
    if version.category:
        return version.category
    return (
        gettext("My worksheets") if version.template.owner_id == therapist.user_id else gettext("Shared in my practice")
    )


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("-", " "))


def matches(version: TemplateVersion, words: list[str], shelf: str) -> bool:
    """Every word typed starts a word of the name, summary or shelf ("thou rec" finds thought records)."""
    haystack = _words(f"{version.name} {version.summary} {shelf}")
    return all(any(word.startswith(w) for word in haystack) for w in words)


@dataclass
class Picker:
    """The library as one therapist sees it, filtered: shelves of matches, favourites and recent first."""

    query: str = ""
    shelf: str = ""
    shelves: dict[str, list[TemplateVersion]] = field(default_factory=dict)
    shelf_names: list[str] = field(default_factory=list)
    favourites: list[TemplateVersion] = field(default_factory=list)
    recent: list[TemplateVersion] = field(default_factory=list)
    favourite_ids: set[int] = field(default_factory=set)

    @property
    def filtered(self) -> bool:
        return bool(self.query or self.shelf)

    @property
    def found(self) -> int:
        return sum(len(versions) for versions in self.shelves.values())


def library_picker(therapist: Membership, *, query: str = "", shelf: str = "") -> Picker:
    versions = latest_versions(therapist)
    by_template = {v.template_id: v for v in versions}
    picker = Picker(query=query.strip()[:100], shelf=shelf.strip()[:60])
    words = _words(picker.query)
    for version in versions:
        name = shelf_of(version, therapist)
        if name not in picker.shelf_names:
            picker.shelf_names.append(name)
        if (not picker.shelf or name == picker.shelf) and matches(version, words, name):
            picker.shelves.setdefault(name, []).append(version)
    picker.favourite_ids = set(Favourite.objects.filter(therapist=therapist).values_list("template_id", flat=True))
    picker.favourites = [v for v in versions if v.template_id in picker.favourite_ids]
    picker.recent = [by_template[pk] for pk in recent_template_ids(therapist) if pk in by_template]
    return picker


def recent_template_ids(therapist: Membership) -> list[int]:
    """The worksheets this therapist assigned last, newest first, each once."""
    ids: list[int] = []
    rows = Assignment.objects.filter(therapist=therapist).order_by("-created_at", "-pk")  # ties: same moment
    for template_id in rows.values_list("template_version__template_id", flat=True)[:50]:
        if template_id not in ids:
            ids.append(template_id)
        if len(ids) == RECENT:
            break
    return ids


def last_used(therapist: Membership, template: Template) -> Assignment | None:
    """This therapist's latest assignment of this worksheet, to any client: its settings start the next one."""
    of_template = Assignment.objects.filter(therapist=therapist, template_version__template=template)
    return of_template.order_by("-created_at", "-pk").first()


LAST_USED_KEYS = ("title", "instructions", "rationale", "minimum", "coping")


def last_used_initial(assignment: Assignment, today: date) -> dict:
    """The assign form as this therapist last filled it for the worksheet: wording, time, schedule and formats.
    Not what belongs to that client (their plan, their goal), and dates start today, lasting as long as before."""
    initial: dict = {key: assignment.c(key) for key in LAST_USED_KEYS}
    initial.update(
        minutes=assignment.minutes,
        schedule_kind=assignment.schedule_kind,
        weekdays=assignment.weekdays,
        times_per_week=assignment.times_per_week,
        formats=assignment.formats,
        start_date=today,
    )
    if assignment.end_date:
        initial["end_date"] = today + (assignment.end_date - assignment.start_date)
    return initial
