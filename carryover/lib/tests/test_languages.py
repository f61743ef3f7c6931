"""Languages (issue 17): who reads Carryover in which language (`lib/i18n.py`, `language_for`), how it is chosen,
and a Spanish client's interface, crisis screen and reminders in Spanish while their therapist reads English."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from carryover.accounts.models import Invitation, Role, User, hash_token
from carryover.accounts.services import invitation_create
from carryover.accounts.tasks import invitation_send, password_reset_send
from carryover.homework.models import Entry, Occurrence
from carryover.homework.tests.conftest import assign, monday  # noqa: F401  (Monday 2 March 2026, 09:00 London)
from carryover.lib.i18n import language_for
from carryover.measures.tests.helpers import answer, assign_measure
from carryover.reminders.channels import Message, push_payload, render_email

# Words that appear only in the interface's English text, never in the built-in data these tests show (worksheet
# titles and questions stay as written until their own translation lands): any of them on a Spanish page is a
# string left unmarked or untranslated.
ENGLISH_ONLY = re.compile(
    r"\b(Sign out|Skip to content|Need help now|Why this helps|Your therapist|Please|Reminders|Saved|Account|"
    r"Continue|Back|Next|Send|Share|Private|Remove|Choose|Today|Settings|"
    # The therapist's clinical pages (lib/tests/test_spanish_clinical_pages.py):
    r"Caseload|Session prep|Timeline|Sessions|Safety alert|Questionnaires|Adherence|Completion|Worksheet|Library|"
    r"Preview|Instructions|Favourite|Assign|Edit|Save|Review|Step|Nothing|Missed|Due|Done|Rating scale|Short text|"
    r"Record voice|Ways to answer|ago|just now|questionnaires? answered|still open)\b"
)


def visible_text(page: bytes) -> str:
    text = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page.decode())
    text = re.sub(r"(?s)<[^>]+>", " ", text)  # tags and their attributes
    return html.unescape(re.sub(r"\s+", " ", text))


def english_left(page: bytes) -> list[str]:
    return sorted(set(ENGLISH_ONLY.findall(visible_text(page))))


@pytest.fixture
def spanish_bob(personas):
    personas.bob.language = "es"
    personas.bob.save(update_fields=["language"])
    return personas.bob


# --- The rule ------------------------------------------------------------------------------------------------


def test_own_choice_then_the_practice_default_then_the_country(personas):
    bob, practice = personas.bob, personas.practice
    assert language_for(bob) == "en-gb"  # Harbour Practice is in the United Kingdom
    assert language_for(personas.dana) == "en-us"  # Elsewhere Clinic, in the United States
    practice.default_language = "es"
    practice.save(update_fields=["default_language"])
    bob = User.objects.get(pk=bob.pk)  # a fresh read of the membership
    assert language_for(bob) == "es"
    bob.language = "en-us"
    assert language_for(bob) == "en-us"
    bob.language = "xx"  # a code written by hand into the database: the practice's, never an error
    assert language_for(bob) == "es"


def test_anonymous_pages_follow_the_browser_and_an_unknown_code_gets_the_default(client, db):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    assert page.status_code == 200 and '<html lang="es"' in page.content.decode()
    assert "Iniciar sesión" in visible_text(page.content) and page["Content-Language"] == "es"
    assert 'data-cancelled="No se usó la llave de acceso' in page.content.decode()  # passkeys.js shows it
    for header in ("xx", "xx-YY;q=1, zz", "*", ";;;q=abc", "es;q=nonsense"):
        page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE=header)
        assert page.status_code == 200, header
        assert page["Content-Language"] in ("en-us", "es"), header
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="xx")
    assert page["Content-Language"] == "en-us" and "Sign in" in visible_text(page.content)


def test_the_account_page_changes_the_language_and_refuses_an_unsupported_code(client, personas):
    bob = personas.bob
    client.force_login(bob)
    data = {"name": "Bob Client", "time_zone": "Europe/London"}
    page = client.post(reverse("profile"), {**data, "language": "klingon"})
    assert page.status_code == 200
    assert "Choose one of the listed languages." in visible_text(page.content)
    bob.refresh_from_db()
    assert bob.language == ""  # nothing saved
    response = client.post(reverse("profile"), {**data, "language": "es"}, follow=True)
    assert "Sus datos se guardaron." in visible_text(response.content)  # said in the language just chosen
    assert '<html lang="es"' in response.content.decode()
    bob.refresh_from_db()
    assert bob.language == "es"
    client.post(reverse("profile"), {**data, "language": ""})  # back to the practice's
    bob.refresh_from_db()
    assert bob.language == "" and language_for(bob) == "en-gb"


def test_an_invitation_takes_its_language_from_the_invitees_browser(client, personas):
    invitation = invitation_create(inviter=personas.alice, email="new@client.test", role=Role.CLIENT, name="Nia")
    token = "a-token-as-the-email-would-carry-it"  # the emailed one is made by the worker; only its hash is kept
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=hash_token(token))
    url = reverse("invitation_accept", args=[token])
    form = client.get(url, HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9").content.decode()
    assert re.search(r'<option value="es" selected>', form)
    assert "Crear mi cuenta" in form  # the page itself already speaks Spanish
    data = {"name": "Nia", "password": "a long and friendly passphrase", "time_zone": "America/Chicago"}
    page = client.post(url, {**data, "consent": "on", "language": "tlh"}, HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200 and "Elija uno de los idiomas de la lista." in visible_text(page.content)
    response = client.post(url, {**data, "consent": "on", "language": "es"}, follow=True)
    assert "Le damos la bienvenida a Carryover, Nia." in visible_text(response.content)
    invitation.refresh_from_db()
    assert invitation.accepted_user.language == "es"


def test_the_practice_admin_sets_a_default_language(client, personas):
    client.force_login(personas.admin)
    practice = personas.practice
    data = {"name": practice.name, "country": "GB", "terminology": "activities", "terms": practice.terms}
    page = client.post(reverse("practice_settings"), {**data, "default_language": "fr"})
    assert page.status_code == 200 and "Choose one of the listed languages." in visible_text(page.content)
    client.post(reverse("practice_settings"), {**data, "default_language": "es"})
    practice.refresh_from_db()
    assert practice.default_language == "es" and language_for(User.objects.get(pk=personas.erin.pk)) == "es"


# --- A Spanish client, an English therapist -----------------------------------------------------------------


def test_every_client_page_reads_in_spanish(client, personas, spanish_bob, monday):  # noqa: F811
    assignment = assign(personas.alice, spanish_bob)
    occurrence = Occurrence.objects.get(assignment=assignment, due_date="2026-03-02")
    client.force_login(spanish_bob)
    do = reverse("occurrence_do", args=[occurrence.pk])
    for step in ("outcome", "barriers", "after"):
        page = client.get(f"{do}?step={step}")
        assert page.status_code == 200, step
        assert not english_left(page.content), (step, english_left(page.content))
    client.post(f"{do}?step=outcome", {"o-outcome": "partial", "o-fraction": "0.50", "go": "next"})
    client.post(f"{do}?step=barriers", {"o-barriers": ["forgot"], "o-barriers-present": "1", "go": "next"})
    sent = client.post(f"{do}?step=after", {"a-visibility": "shared", "go": "finish"}, follow=True)
    assert "Guardado." in visible_text(sent.content)
    entry = Entry.objects.get(occurrence=occurrence)
    urls = [
        reverse("client_home"),
        reverse("assignment_detail", args=[assignment.pk]),
        reverse("assignment_not_working", args=[assignment.pk]),
        reverse("my_entries"),
        reverse("my_entry", args=[entry.pk]),
        reverse("my_patterns"),
        reverse("my_measures"),
        reverse("safety_plan"),
        reverse("crisis_support"),
        reverse("reminder_settings"),
        reverse("reminder_later"),
        reverse("calendar_page"),
        reverse("support_settings"),
        reverse("my_data"),
        reverse("profile"),
        reverse("help"),
    ]
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200, url
        assert '<html lang="es"' in page.content.decode(), url
        assert not english_left(page.content), (url, english_left(page.content))


def test_a_spanish_clients_today_and_activity_form(client, personas, spanish_bob, monday):  # noqa: F811
    assignment = assign(personas.alice, spanish_bob)
    occurrence = Occurrence.objects.get(assignment=assignment, due_date="2026-03-02")
    client.force_login(spanish_bob)
    today = visible_text(client.get(reverse("client_home")).content)
    assert "Hola, Bob" in today and "Por qué ayuda" in today and "Empezar" in today
    assert "Catch a hot thought" in today  # what the therapist wrote stays as written
    form = visible_text(client.get(reverse("occurrence_do", args=[occurrence.pk])).content)
    assert "Paso 1 de" in form and "Siguiente" in form and "Cerrar sesión" in form
    do = reverse("occurrence_do", args=[occurrence.pk])
    client.post(f"{do}?step=outcome", {"o-outcome": "skipped", "go": "next"})
    outcome = visible_text(client.get(f"{do}?step=barriers").content)
    assert "¿Qué se lo impidió?" in outcome and "Se me olvidó" in outcome  # the barrier labels' one home


def test_phq9_item9_leads_a_spanish_client_to_the_crisis_screen_in_spanish(client, personas, spanish_bob, monday):  # noqa: F811
    phq9 = assign_measure(personas.alice, spanish_bob).occurrences.order_by("due_date").first()
    answer(phq9, [0, 0, 0, 0, 0, 0, 0, 0, 2])
    client.force_login(spanish_bob)
    response = client.post(reverse("measure_do", args=[phq9.pk]), {"step": "9", "go": "finish"})
    assert response.url == reverse("crisis_support")
    page = client.get(response.url)
    text = visible_text(page.content)
    assert '<html lang="es"' in page.content.decode()
    assert "Si necesita a alguien ahora" in text and "Su terapeuta verá esto" in text
    assert "llame o envíe un mensaje de texto ahora" in text and "Llamar al 116 123" in text
    assert 'href="tel:116123"' in page.content.decode()  # the practice's lines, one tap away
    assert not english_left(page.content), english_left(page.content)


def test_the_therapist_reads_a_spanish_clients_words_untranslated_in_english(client, personas, spanish_bob, monday):  # noqa: F811
    assignment = assign(personas.alice, spanish_bob)
    occurrence = Occurrence.objects.get(assignment=assignment, due_date="2026-03-02")
    client.force_login(spanish_bob)
    do = reverse("occurrence_do", args=[occurrence.pk])
    client.post(f"{do}?step=0", {"f-situation": "Reunión en el trabajo; mi jefe frunció el ceño.", "go": "next"})
    client.post(f"{do}?step=outcome", {"o-outcome": "partial", "o-fraction": "0.50", "go": "next"})
    client.post(f"{do}?step=barriers", {"o-barriers": ["upsetting"], "o-barriers-present": "1", "go": "next"})
    client.post(f"{do}?step=after", {"a-visibility": "shared", "go": "finish"})
    entry = Entry.objects.get(occurrence=occurrence)
    client.force_login(personas.alice)
    page = client.get(reverse("entry_detail", args=[entry.pk]))
    text = visible_text(page.content)
    assert '<html lang="en-gb"' in page.content.decode()
    assert "Reunión en el trabajo; mi jefe frunció el ceño." in text  # the client's own words
    assert "It felt too upsetting, or I avoided it" in text and "Me hacía sentir muy mal" not in text
    assert "Sign out" in text and "Cerrar sesión" not in text


def test_a_spanish_clients_reminders_are_written_in_spanish(personas, spanish_bob):
    from django.utils import translation

    message = Message(count=2, work="actividades", today_url="/t", later_url="/l", settings_url="/s")
    with translation.override(language_for(spanish_bob)):
        subject, body = render_email(message)
        payload = push_payload(message, None)
    assert subject == "Recordatorio de Carryover: 2 actividades para hoy"
    assert "Tiene 2 actividades para hoy." in body and "¿No es buen momento?" in body
    assert "Tiene 2 actividades para hoy." in payload


def test_an_invitation_email_speaks_the_practices_language(personas, mailoutbox):
    practice = personas.practice
    practice.default_language = "es"
    practice.save(update_fields=["default_language"])
    invitation = invitation_create(inviter=personas.alice, email="nueva@client.test", role=Role.CLIENT, name="Ana")
    assert invitation_send.call(invitation.pk)
    email = mailoutbox[-1]
    assert email.subject == "Su invitación a Harbour Practice en Carryover"
    assert "Hola, Ana:" in email.body and "Alice Therapist le invitó a unirse a Harbour Practice" in email.body


def test_a_support_persons_pages_read_in_spanish(client, personas):
    sue = personas.sue
    sue.language = "es"
    sue.save(update_fields=["language"])
    client.force_login(sue)
    for url in (reverse("support_home"), reverse("support_worried")):
        page = client.get(url)
        assert page.status_code == 200 and '<html lang="es"' in page.content.decode(), url
        assert not english_left(page.content), (url, english_left(page.content))
    assert "¿Le preocupa esa persona?" in visible_text(client.get(reverse("support_worried")).content)


def test_a_password_reset_email_speaks_the_persons_language(spanish_bob, mailoutbox):
    assert password_reset_send.call(spanish_bob.email)
    email = mailoutbox[-1]
    assert email.subject == "Restablezca su contraseña de Carryover"
    assert email.body.startswith("Hola, Bob:") and "El enlace funciona una vez" in email.body


def test_a_spanish_clients_booklet_reads_in_spanish_and_keeps_their_words(personas, spanish_bob, monday):  # noqa: F811
    from django.utils import translation

    from carryover.records.booklet import booklet_html
    from carryover.records.export import client_export_build

    assign(personas.alice, spanish_bob, title="Anotar un pensamiento")
    document = client_export_build(client=spanish_bob.membership, audience="client")
    with translation.override(language_for(spanish_bob)):
        booklet = booklet_html(document)
    assert '<html lang="es"' in booklet and "Su expediente de Carryover" in booklet
    assert "Anotar un pensamiento" in booklet and "Registros" in booklet and "Activities" not in booklet


def test_the_recorders_words_come_from_the_page_in_the_readers_language():
    """app.js shows what the page hands it (data-*), so the voice recorder speaks the page's language."""
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("es"):
        field = render_to_string("homework/fields/audio.html", {"b": {"name": "f-voice"}, "f": {"label": "Voz"}})
    assert 'data-again="Grabar de nuevo"' in field and 'data-recording="Grabando…"' in field
    assert 'data-no-microphone="El micrófono no está disponible' in field


def test_the_notification_buttons_words_come_from_the_page(client, spanish_bob, settings):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = "public-key", "private-key"  # push offered
    client.force_login(spanish_bob)
    page = client.get(reverse("reminder_settings")).content.decode()
    assert 'data-on="Las notificaciones están activadas en este dispositivo."' in page
    assert "No se pudieron activar las notificaciones ({error})." in page
