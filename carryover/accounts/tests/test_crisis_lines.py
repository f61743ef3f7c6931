"""Crisis lines per country: the defaults, changing a practice's country, and the rule that no page, screen or email
ever shows another country's numbers (issue 10, "Right country")."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from carryover.accounts import crisis, services
from carryover.accounts.models import Country, CrisisResource, Practice, Role, dialable
from carryover.accounts.services import practice_create
from carryover.conftest import link, make_person
from carryover.measures.models import RiskAlert
from carryover.measures.tasks import alert_escalate
from carryover.review.pdf import paper_for

# Every order visits each country from another one, so every step is a real change of country.
WALK = ["US", "CA", "IE", "AU", "NZ", "GB"]


def run_ready_tasks() -> None:
    """Every task ready now, claimed and run as db_worker runs it (inside the test's transaction)."""
    while (result := DBTaskResult.objects.ready().order_by("run_after", "enqueued_at").first()) is not None:
        result.claim("test-worker")
        task_result = result.task_result
        result.set_successful(result.task.call(*task_result.args, **task_result.kwargs))


def numbers_of(country: str) -> set[str]:
    """The numbers a country's lines dial, and those their words name ("call 112 or 999")."""
    lines = crisis.DEFAULTS[country].lines
    linked = {dialable(n) for line in lines for n in (line.get("phone"), line.get("sms")) if n}
    return linked | {n for line in lines for n in numbers_shown(line["how"]) if len(n) >= 3}


def numbers_shown(text: str) -> set[str]:
    """Every number a page or email shows or links to, as it would be dialled: "13 11 14" → 131114."""
    linked = {dialable(n) for n in re.findall(r'href="(?:tel|sms):([^"?&]+)', text)}
    # The admin page shows the lines as form fields: their values count as shown.
    text += " ".join(re.findall(r'name="[^"]*-(?:phone|sms|how)"[^>]*?value="([^"]*)"', text))
    words = re.sub(r"https?://\S+", " ", re.sub(r"<[^>]+>", " ", text))  # tags, links and their tokens go
    return linked | {dialable(run) for run in re.findall(r"\d[\d \-]*\d|\d", words)}


def assert_only_country(country: str, text: str, where: str) -> None:
    foreign = set().union(*(numbers_of(other) for other in crisis.DEFAULTS if other != country)) - numbers_of(country)
    shown = numbers_shown(text) & foreign
    assert not shown, f"{where} ({country}) shows another country's numbers: {sorted(shown)}"


def change_country(client, admin, country: str, *, keep: list[int] | None = None):
    """Through the settings page as an admin does it: the change, the confirmation page, then the confirmation."""
    practice = admin.membership.practice
    client.force_login(admin)
    data = {"name": practice.name, "country": country, "terminology": practice.terminology, "terms": practice.terms}
    page = client.post(reverse("practice_settings"), data)
    assert page.status_code == 200, page.content.decode()
    fingerprint = page.context["confirm"]["fingerprint"].value()
    confirm = {**data, "confirm_country": country, "fingerprint": fingerprint, "keep": keep or []}
    return page, client.post(reverse("practice_settings"), confirm)


def content(practice) -> list[tuple[str, ...]]:
    return [crisis.content_of(r) for r in practice.crisis_resources.all()]


def test_every_country_has_checked_defaults_with_the_emergency_number_first():
    assert set(Country.values) == set(crisis.DEFAULTS)  # the settings page offers exactly these
    for code, defaults in crisis.DEFAULTS.items():
        assert defaults.label == Country(code).label
        assert date(2026, 11, 1) <= defaults.checked <= date(2026, 12, 1)
        first = defaults.lines[0]
        assert first["name"] == "Emergency services" and first["phone"] in first["how"], code
        for line in defaults.lines:
            assert line.get("phone") or line.get("sms"), line
            for number in (line.get("phone"), line.get("sms")):
                assert not number or number in line["how"], f"{code}: {number} is not in “{line['how']}”"


def test_the_new_countries_carry_the_numbers_of_the_reference():
    assert {"911", "988", "686868"} <= numbers_of("CA")
    assert {"112", "116123", "50808"} <= numbers_of("IE")
    assert {"000", "131114", "0477131114", "1300659467"} <= numbers_of("AU")
    assert {"111", "1737", "0800543354"} <= numbers_of("NZ")


def test_text_links_pre_fill_the_keyword_a_line_asks_for(client, personas):
    client.force_login(personas.bob)  # Harbour Practice is in the United Kingdom
    assert 'href="sms:85258?&amp;body=SHOUT">Text SHOUT to 85258<' in client.get(reverse("help")).content.decode()
    us_page = client.get(reverse("help"), {"country": "US"})  # signed in, the practice's lines win
    assert "741741" not in us_page.content.decode()
    client.logout()
    page = client.get(reverse("help"), {"country": "US"}).content.decode()
    assert 'href="sms:741741?&amp;body=HOME">Text HOME to 741741<' in page
    assert 'href="sms:988">Text 988<' in page  # no keyword, no body
    assert 'href="tel:131114">Call 13 11 14<' in client.get(reverse("help"), {"country": "AU"}).content.decode()


def test_signed_out_help_follows_the_visitors_choice_then_their_browser(client, db):
    def heading(**kwargs) -> str:
        page = client.get(reverse("help"), **kwargs).content.decode()
        return re.search(r"Call or text now: ([^<]+)<", page).group(1)

    assert heading(headers={"accept-language": "en-NZ,en;q=0.9"}) == "New Zealand"
    assert heading(headers={"accept-language": "fr-CA,fr;q=0.9,en;q=0.8"}) == "Canada"
    assert heading(headers={"accept-language": "en-IE"}, data={"country": "au"}) == "Australia"
    assert heading(headers={"accept-language": "de-DE,de;q=0.9"}) == "United States"  # no lines held for Germany
    assert heading(data={"country": "<script>"}) == "United States"
    page = client.get(reverse("help"), {"country": "IE"}).content.decode()
    assert all(f'href="?country={code}"' in page for code in crisis.DEFAULTS if code != "IE")


def test_a_country_change_shows_what_will_change_and_saves_nothing_until_confirmed(client, personas):
    practice = personas.practice
    before = content(practice)
    client.force_login(personas.admin)
    data = {"name": "Harbour Renamed", "country": "CA", "terminology": "homework", "terms": practice.terms}
    page = client.post(reverse("practice_settings"), data)
    html = page.content.decode()
    assert page.status_code == 200 and "Change the country to Canada?" in html
    assert "Samaritans: 116 123" in html and "Shout: 85258" in html  # what goes
    assert 'href="tel:988"' in html and "Kids Help Phone" in html  # what comes
    assert 'value="Harbour Renamed"' in html  # the other settings ride along, unsaved
    practice.refresh_from_db()
    assert practice.country == "GB" and practice.name == "Harbour Practice" and content(practice) == before

    _, done = change_country(client, personas.admin, "CA")
    assert done.status_code == 302
    practice.refresh_from_db()
    assert practice.country == "CA"
    assert content(practice) == [crisis.content_of(r) for r in crisis.default_resources("CA")]
    assert {r.last_verified for r in practice.crisis_resources.all()} == {crisis.DEFAULTS["CA"].checked}
    client.force_login(personas.bob)
    help_page = client.get(reverse("help")).content.decode()
    assert "Call or text now: Canada" in help_page and "Samaritans" not in help_page


def test_the_practices_own_lines_stay_only_if_the_admin_keeps_them(client, personas):
    practice = personas.practice
    samaritans = practice.crisis_resources.get(name="Samaritans")
    samaritans.how = "Call 116 123, free, any time. Our local branch is on Harbour Street."
    samaritans.save()
    own = CrisisResource.objects.create(
        practice=practice,
        name="Harbour out-of-hours",
        how="Call 01234 567890.",
        phone="01234 567890",
        last_verified=date(2026, 11, 20),
        position=9,
    )
    page, done = change_country(client, personas.admin, "IE", keep=[own.pk])
    assert {r.pk for r in page.context["plan"].own} == {samaritans.pk, own.pk}  # edited and added: the admin's
    assert "Harbour out-of-hours" in page.content.decode()
    assert done.status_code == 302
    names = [r.name for r in practice.crisis_resources.all()]
    assert names == ["Emergency services", "Samaritans", "50808 text service", "Harbour out-of-hours"]
    assert not practice.crisis_resources.filter(pk=samaritans.pk).exists()  # not kept, so replaced


def test_a_confirmation_made_against_lines_that_changed_meanwhile_is_refused(client, personas):
    practice = personas.practice
    client.force_login(personas.admin)
    data = {"name": practice.name, "country": "AU", "terminology": practice.terminology, "terms": practice.terms}
    seen = client.post(reverse("practice_settings"), data).context["confirm"]["fingerprint"].value()
    # A colleague adds a line while the first admin reads the confirmation page.
    walk_in = {"name": "Harbour walk-in", "how": "Call 01234 000000.", "phone": "01234 000000"}
    CrisisResource.objects.create(practice=practice, last_verified=date(2026, 11, 30), **walk_in)
    again = client.post(reverse("practice_settings"), {**data, "confirm_country": "AU", "fingerprint": seen})
    assert again.status_code == 200
    assert "The crisis lines changed while you were deciding" in again.content.decode()
    assert "Harbour walk-in" in again.content.decode()  # now listed, for the admin to keep or not
    practice.refresh_from_db()
    assert practice.country == "GB" and practice.crisis_resources.filter(name="Samaritans").exists()


def test_two_confirmations_of_the_same_change_replace_the_lines_once(client, personas):
    practice = personas.practice
    client.force_login(personas.admin)
    data = {"name": practice.name, "country": "NZ", "terminology": practice.terminology, "terms": practice.terms}
    seen = client.post(reverse("practice_settings"), data).context["confirm"]["fingerprint"].value()
    confirm = {**data, "confirm_country": "NZ", "fingerprint": seen}
    first = client.post(reverse("practice_settings"), confirm)  # a double-click, or a colleague's identical choice
    second = client.post(reverse("practice_settings"), confirm)
    assert first.status_code == second.status_code == 302
    assert content(practice) == [crisis.content_of(r) for r in crisis.default_resources("NZ")]


def test_a_country_without_checked_lines_is_refused_with_a_clear_message_and_nothing_saved(client, personas):
    practice = personas.practice
    before = content(practice)
    client.force_login(personas.admin)
    data = {"name": "Renamed", "country": "FR", "terminology": "homework", "terms": "New terms"}
    for extra in ({}, {"confirm_country": "FR", "fingerprint": "x"}):
        response = client.post(reverse("practice_settings"), {**data, **extra})
        assert response.status_code == 200
        assert "Carryover has no checked crisis lines for “FR” yet" in response.content.decode()
    practice.refresh_from_db()
    assert (practice.name, practice.country, practice.terms_version) == ("Harbour Practice", "GB", 1)
    assert content(practice) == before
    with pytest.raises(crisis.NoCrisisDefaults):
        practice_create(name="Paris", country="FR")
    assert not Practice.objects.filter(name="Paris").exists()


def test_a_confirmation_keeping_a_line_that_is_not_the_practices_own_is_refused(client, personas):
    practice = personas.practice
    client.force_login(personas.admin)
    data = {"name": practice.name, "country": "US", "terminology": practice.terminology, "terms": practice.terms}
    seen = client.post(reverse("practice_settings"), data).context["confirm"]["fingerprint"].value()
    theirs = personas.other_practice.crisis_resources.first()
    response = client.post(
        reverse("practice_settings"), {**data, "confirm_country": "US", "fingerprint": seen, "keep": [theirs.pk]}
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    practice.refresh_from_db()
    assert practice.country == "GB"


def test_no_page_screen_or_email_shows_another_countrys_numbers(client, personas, mailoutbox):
    """Every country's defaults in turn: each crisis surface, signed in and out, and every email a client or a
    clinician might get, show only that country's numbers."""
    alice, admin = personas.alice, personas.admin
    for n, country in enumerate(WALK):
        _, done = change_country(client, admin, country)
        assert done.status_code == 302
        mail.outbox.clear()
        client.force_login(admin)
        pages = {"crisis-resources admin page": client.get(reverse("practice_crisis_resources"))}
        pages["help page (admin)"] = client.get(reverse("help"))
        client.force_login(alice)
        pages["help page (therapist)"] = client.get(reverse("help"))
        invited = client.post(reverse("invite_client"), {"email": f"new{n}@example.test", "name": "New"})
        assert invited.status_code == 302
        person = make_person(personas.practice, f"client{n}@example.test", "Client", Role.CLIENT)
        link(alice, person)
        client.force_login(person)
        pages["help page (client)"] = client.get(reverse("help"))
        pages["safety-plan page"] = client.get(reverse("safety_plan"))
        helped = client.post(reverse("help_request"))
        pages["crisis screen"] = client.get(helped.url)
        client.logout()
        accept = {"accept-language": f"en-{country},en;q=0.8"}
        pages["signed-out help page (chosen)"] = client.get(reverse("help"), {"country": country})
        pages["signed-out help page (browser)"] = client.get(reverse("help"), headers=accept)
        client.post(reverse("account_reset_password"), {"email": person.email})
        run_ready_tasks()  # the invitation and the alert emails
        client.post(reverse("invitation_request_link"), {"email": f"new{n}@example.test"})  # "my link is dead"
        run_ready_tasks()
        alert_escalate.call(RiskAlert.objects.get(client=person.membership).pk)  # as if nobody acknowledged it
        for where, response in pages.items():
            assert response.status_code == 200, where
            html = response.content.decode()
            assert_only_country(country, html, where)
            assert numbers_of(country) & numbers_shown(html), f"{where} shows none of {country}'s lines"
            assert html.count("Last checked") >= len(crisis.DEFAULTS[country].lines), where
        subjects = sorted(m.subject for m in mail.outbox)
        assert len(mail.outbox) == 5, subjects  # invitation, new link asked, alert, escalation, password reset
        for message in mail.outbox:
            assert_only_country(country, message.subject + "\n" + message.body, f"email “{message.subject}”")


@pytest.mark.parametrize(
    "garbage",
    [
        {"keep": ["zzz"]},
        {"keep": [str(10**30)]},
        {"keep": ["a\x00b"]},
        {"fingerprint": "x" * 5000},
        {"fingerprint": "a\x00b"},
        {"fingerprint": ""},
        {"confirm_country": "a\x00b"},
    ],
)
def test_a_garbled_confirmation_changes_nothing_and_never_errors(client, personas, garbage):
    practice = personas.practice
    before = content(practice)
    client.force_login(personas.admin)
    data = {"name": practice.name, "country": "CA", "terminology": practice.terminology, "terms": practice.terms}
    seen = client.post(reverse("practice_settings"), data).context["confirm"]["fingerprint"].value()
    response = client.post(
        reverse("practice_settings"), {**data, "confirm_country": "CA", "fingerprint": seen, **garbage}
    )
    assert response.status_code == 200 and "Change the country to Canada?" in response.content.decode()
    practice.refresh_from_db()
    assert practice.country == "GB" and content(practice) == before


def test_the_admin_page_refuses_a_number_no_phone_can_dial_and_a_keyword_without_a_number(client, personas):
    client.force_login(personas.admin)
    data = {"form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 0, "form-MAX_NUM_FORMS": 20}
    line = {"name": "Harbour line", "how": "Call us.", "last_verified": "2026-11-30", "position": 5}
    before = content(personas.practice)
    for bad, field, message in [
        ({"phone": "call the office"}, "phone", "digits only"),
        ({"sms": "HELP"}, "sms", "digits only"),
        ({"phone": "01234 567890", "sms_body": "HOME"}, "sms_body", "Add the number to text first"),
    ]:
        form = {**data, **{f"form-0-{k}": v for k, v in {**line, **bad}.items()}}
        response = client.post(reverse("practice_crisis_resources"), form)
        assert response.status_code == 200 and message in response.content.decode(), field
    assert content(personas.practice) == before
    good = {**data, **{f"form-0-{k}": v for k, v in {**line, "sms": "+44 7700 900123", "sms_body": "HI"}.items()}}
    assert client.post(reverse("practice_crisis_resources"), good).status_code == 302
    added = personas.practice.crisis_resources.get(name="Harbour line")
    assert added.text_href == "sms:+447700900123?&body=HI"


def test_a_canadian_practice_prints_on_letter_paper_like_its_neighbour():
    assert [paper_for(code, None) for code in ("US", "CA", "GB", "IE", "AU", "NZ")] == ["letter"] * 2 + ["a4"] * 4


def test_saving_settings_read_before_a_colleague_changed_the_country_never_swaps_lines_unasked(client, personas):
    practice = personas.practice
    read_earlier = Practice.objects.get(pk=practice.pk)  # the page was read while the practice was in the UK
    change_country(client, personas.admin, "AU")
    fields = {"name": "Renamed", "country": "GB", "terminology": "homework", "terms": read_earlier.terms}
    with pytest.raises(services.CountryChangeStale):
        services.practice_update(practice=read_earlier, actor=personas.admin, **fields)
    practice.refresh_from_db()
    assert (practice.name, practice.country) == ("Harbour Practice", "AU")
    assert content(practice) == [crisis.content_of(r) for r in crisis.default_resources("AU")]
