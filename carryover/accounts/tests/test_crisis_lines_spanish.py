"""Crisis lines in Spanish (issue 17): every default line has Spanish words naming exactly its own numbers, a
Spanish-speaking reader sees the emergency number first and then the services that answer in Spanish (988's
"press 2", text AYUDA), and a line the practice wrote or edited stays as the practice wrote it."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import translation

from carryover.accounts import crisis
from carryover.accounts.models import CrisisResource
from carryover.conftest import reading_in

from .test_crisis_lines import numbers_shown


def numbers(text: str) -> set[str]:
    return {n for n in numbers_shown(text) if len(n) >= 3}  # not a menu option ("press 2")


def test_every_default_line_has_spanish_words_naming_the_same_numbers():
    for country in crisis.DEFAULTS:
        english = crisis.default_resources(country)
        spanish = crisis.in_language(english, "es")
        assert spanish[0].phone == english[0].phone  # the emergency number stays first
        for line in english:
            shown = next(s for s in spanish if s.phone == line.phone and s.sms == line.sms and s.url == line.url)
            assert shown.name and shown.how and shown.how != line.how
            assert numbers(shown.how) == numbers(line.how), (country, shown.how)
            assert (shown.phone, shown.sms, shown.url, shown.last_verified) == (
                line.phone,
                line.sms,
                line.url,
                line.last_verified,
            )


def test_a_spanish_reader_sees_the_spanish_language_services_after_the_emergency_number(personas):
    practice = personas.other_practice  # in the United States
    CrisisResource.objects.filter(practice=practice, name="Crisis Text Line").update(position=1)  # before 988
    CrisisResource.objects.filter(practice=practice, phone="988").update(position=3)
    CrisisResource.objects.create(
        practice=practice,
        name="County crisis team",
        how="Call 555 0100, any time.",
        phone="555 0100",
        position=2,
        last_verified=crisis.DEFAULTS["US"].checked,
    )  # the practice's own line, before the Spanish-speaking services in its list
    lines = list(practice.crisis_resources.all())
    assert [r.name for r in crisis.in_language(lines, "en-us")] == [r.name for r in lines]
    with translation.override("es"):
        shown = crisis.in_language(lines)
    assert [r.name for r in shown] == [
        "Emergencias",  # the first line stays first
        "Crisis Text Line, en español",  # the services answering in Spanish, in the practice's order
        "988 Línea de Prevención del Suicidio y Crisis, en español",
        "County crisis team",  # the practice's own line, in its own words
    ]
    assert shown[2].text_href == "sms:988?&body=AYUDA" and "marque 2" in shown[2].how
    assert lines[1].name == "Crisis Text Line" and lines[1].sms_body == "HOME"  # nothing stored was changed
    assert lines[2].name == "County crisis team"


def test_an_edited_default_line_is_shown_as_the_practice_wrote_it(personas):
    practice = personas.other_practice
    CrisisResource.objects.filter(practice=practice, phone="988").update(how="Call or text 988. We can help you call.")
    with translation.override("es"):
        names = [r.name for r in crisis.in_language(practice.crisis_resources.all())]
    assert names == ["Emergencias", "Crisis Text Line, en español", "988 Suicide & Crisis Lifeline"]


def test_the_signed_out_help_page_in_spanish_shows_the_spanish_options(client, db):
    page = client.get(reverse("help"), {"country": "US"}, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    lines = page.split('class="crisis"')[1].split("</ul>")[0]
    assert re.findall(r"<strong>([^<]+)</strong>", lines)[0] == "Emergencias"
    assert 'href="sms:741741?&amp;body=AYUDA"' in lines and "Envíe AYUDA por texto al 741741" in lines


def test_the_api_gives_a_spanish_reader_the_lines_as_the_crisis_screen_shows_them(client, personas):
    from carryover.api.tests.helpers import call, token_for

    token = token_for(personas.dana)
    with reading_in(personas.dana, "es"):
        lines = call(client, "get", "/api/v1/me/crisis-resources", token).json()
    assert [line["name"] for line in lines][:2] == [
        "Emergencias",
        "988 Línea de Prevención del Suicidio y Crisis, en español",
    ]
    assert lines[1]["sms_body"] == "AYUDA"
    with reading_in(personas.dana, "en-us"):
        assert call(client, "get", "/api/v1/me/crisis-resources", token).json()[1]["sms_body"] == ""
