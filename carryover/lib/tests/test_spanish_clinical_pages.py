"""The therapist's clinical pages in Spanish (issue 17): a therapist whose account reads Spanish gets every page of
the caseload, a client's page, the session prep summary and its PDF, the timeline, sessions, the review together,
the measures and alerts, and the library, builder and assign pages with no English interface word left; the
client's own words stay as typed. An English-reading therapist's pages stay English (the apps' own tests)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carryover.accounts.models import User
from carryover.conftest import reading_in
from carryover.homework.models import TemplateVersion
from carryover.homework.services import notice_create
from carryover.lib.tests.test_languages import english_left, visible_text
from carryover.measures.models import RiskAlert
from carryover.measures.tests.helpers import submit
from carryover.review.summary import summary_context
from carryover.review.tasks import build_summary_pdf
from carryover.review.tests.conftest import answer
from carryover.review.tests.test_pdf_ahead import builds  # noqa: F401  (each PDF drawn, its HTML kept)
from carryover.together.models import Conversation
from carryover.together.tests.conftest import now, week  # noqa: F401  (Sam's week, Monday 9 March 2026)

SPANISH_WORDS = "Me dio vergüenza salir; caminé solo diez minutos."


@pytest.fixture
def spanish_alice(personas):
    with reading_in(personas.alice, "es"):
        yield personas.alice


@pytest.fixture
def sams_pages(client, personas, week, now):  # noqa: F811
    """Sam's week with a PHQ-9 answered above 0 on item 9 (an open alert), a Spanish note flagged for the session,
    and a review together started: the pages Alice opens before and during a session."""
    submit(personas.alice, week.sam, [2, 2, 1, 1, 2, 1, 1, 1, 1])
    walks = list(week.walk.occurrences.order_by("due_date"))
    answer(walks[2], "partial", fraction="0.50", words=SPANISH_WORDS, talk="on", helpful=6, minutes=10)
    client.force_login(personas.alice)
    client.post(reverse("together_start", args=[week.sam.pk]))
    return week


def therapist_urls(week, personas) -> list[str]:  # noqa: F811
    sam = week.sam.pk
    conversation = Conversation.objects.get(client=week.sam.membership)
    steps = list(conversation.steps.all())
    version = TemplateVersion.objects.filter(template__key="journal").latest("number")
    alert = RiskAlert.objects.get(client=week.sam.membership)
    return [
        reverse("caseload"),
        reverse("caseload_insight"),
        reverse("client_detail", args=[sam]),
        reverse("client_summary", args=[sam]),
        reverse("client_timeline", args=[sam]),
        reverse("client_sessions", args=[sam]),
        reverse("together_start", args=[sam]),
        *[reverse("together_step", args=[step.pk]) for step in steps],
        reverse("together_change", args=[steps[0].pk]),
        reverse("together_new", args=[conversation.pk]),
        reverse("together_finish", args=[conversation.pk]),
        reverse("together_discard", args=[conversation.pk]),
        reverse("client_measures", args=[sam]),
        reverse("alerts"),
        reverse("alert_detail", args=[alert.pk]),
        reverse("library"),
        reverse("library") + f"?for={sam}",
        reverse("library") + "?q=diario",
        reverse("template_preview", args=[version.template_id]),
        reverse("template_new"),
        reverse("template_copy", args=[version.template_id]),
        reverse("assign", args=[sam, version.template_id]),
        reverse("assignment_edit", args=[week.walk.pk]),
        reverse("goal_new", args=[sam]),
        reverse("client_ladder", args=[sam]),
    ]


def test_every_clinical_page_reads_in_spanish_for_a_spanish_reading_therapist(
    client, personas, sams_pages, spanish_alice
):
    for url in therapist_urls(sams_pages, personas):
        page = client.get(url)
        assert page.status_code == 200, url
        assert '<html lang="es"' in page.content.decode(), url
        assert not english_left(page.content), (url, english_left(page.content))


def test_the_caseload_names_not_working_notices_in_spanish(client, personas, sams_pages, spanish_alice):
    """The caseload's signals are in the reader's language too: "Not working", once and twice."""
    for n in (1, 2):
        notice_create(client=sams_pages.sam.membership, assignment=sams_pages.walk, reason="other", note="Difícil")
        text = visible_text(client.get(reverse("caseload")).content)
        assert ("“No me funciona” " if n == 1 else "“No me funciona” (2)") in text
        assert "Not working" not in text and not english_left(text.encode()), english_left(text.encode())


def test_the_spanish_summary_speaks_spanish_and_keeps_the_clients_words(client, personas, sams_pages, spanish_alice):
    text = visible_text(client.get(reverse("client_summary", args=[sams_pages.sam.pk])).content)
    assert "Preparación de la sesión: Sam Taylor" in text and "Preguntas para la sesión" in text
    assert SPANISH_WORDS in text and "Work ran late" in text  # each as the client typed it, never translated
    assert "Alerta de seguridad" in text and "Session prep" not in text
    assert "Preguntas para la sesión 2 registros marcados “hablar de esto”: ¿empezar por ellos?" in text
    assert "“Evening walk” pasó 4 veces sin respuesta: ¿le llega el recordatorio?" in text


def test_the_practice_pages_of_the_clinical_share_read_in_spanish(client, personas):
    client.force_login(personas.admin)
    with reading_in(personas.admin, "es"):
        for url in (reverse("review_settings"), reverse("safety_settings"), reverse("crisis_resources_stale")):
            page = client.get(url)
            assert page.status_code == 200, url
            assert not english_left(page.content), (url, english_left(page.content))


def test_the_worker_builds_the_summary_pdf_in_the_readers_language(personas, sams_pages, builds):  # noqa: F811
    """The PDF built ahead, outside any request: in Alice's language, not the worker's default."""
    User.objects.filter(pk=personas.alice.pk).update(language="es")
    window = summary_context(sams_pages.sam.membership, {})["window"]
    start, end = window.start.isoformat(), window.end.isoformat()
    assert build_summary_pdf.call(sams_pages.sam.membership.pk, personas.alice.pk, start, end, "a4")
    html = builds[-1]
    assert '<html lang="es"' in html and "Preparación de la sesión: Sam Taylor" in html
    assert not english_left(html.encode()), english_left(html.encode())
    assert SPANISH_WORDS in html


def test_the_preview_shows_a_built_in_in_the_readers_language(client, personas):
    """The library's preview ("as the client will see it") shows a built-in as a client reading the same language
    does: the thought record in Spanish for a Spanish reader, in English otherwise, and the PCL-5, which has no
    Spanish version, marked lang="en" so a screen reader reads it as English."""
    from carryover.homework import services as homework

    homework.builtin_sync()
    client.force_login(personas.alice)
    record = TemplateVersion.objects.filter(template__key="thought_record_7").latest("number")
    pcl5 = TemplateVersion.objects.filter(template__key="pcl5").latest("number")
    preview = reverse("template_preview", args=[record.template_id])
    assert "Thought record (7 columns)" in client.get(preview).content.decode()
    with reading_in(personas.alice, "es"):
        page = client.get(preview).content
        pcl5_page = client.get(reverse("template_preview", args=[pcl5.template_id])).content.decode()
    assert "Registro de pensamientos (7 columnas)" in visible_text(page) and "La situación" in visible_text(page)
    assert "Thought record" not in visible_text(page)
    assert '<h1 lang="en">' in pcl5_page
