from django.urls import reverse

from carryover.homework import services
from carryover.homework.models import Entry, Notice, Occurrence

from .conftest import assign

SECRET = "my-very-private-words-7731"


def submit(personas, assignment, occurrence, visibility, words=SECRET):
    bob = personas.bob.membership
    draft = services.draft_for(client=bob, occurrence=occurrence, version=assignment.template_version)
    services.draft_save(
        draft=draft,
        updates={"f-entry": words, "o-outcome": "done", "a-visibility": visibility, "a-helpful": "7"},
    )
    return services.entry_submit(draft=draft)


def test_private_entry_counts_but_its_content_reaches_no_one_else(client, personas, monday):
    assignment = assign(personas.alice, personas.bob, key="journal")
    occurrence = assignment.occurrences.order_by("due_date").first()
    entry = submit(personas, assignment, occurrence, "private")
    occurrence.refresh_from_db()
    assert occurrence.status == "done" and occurrence.credit == 1
    client.force_login(personas.alice)
    pages = [
        client.get(reverse("client_detail", args=[personas.bob.pk])),
        client.get(reverse("entry_detail", args=[entry.pk])),
    ]
    for page in pages:
        assert page.status_code == 200
        assert SECRET not in page.content.decode()
    assert "Private entry" in pages[0].content.decode()
    assert "kept this entry private" in pages[1].content.decode()
    # The therapist cannot comment on (and so reveal) a private entry either.
    client.post(reverse("entry_detail", args=[entry.pk]), {"text": "Nice"})
    assert not entry.comments.exists()
    # The client still reads it in full.
    client.force_login(personas.bob)
    assert SECRET in client.get(reverse("entry_detail", args=[entry.pk])).content.decode()


def test_client_written_text_is_encrypted_at_rest(personas, monday):
    from django.db import connection

    assignment = assign(personas.alice, personas.bob, key="journal")
    entry = submit(personas, assignment, assignment.occurrences.first(), "shared")
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM homework_entry WHERE id = %s", [entry.pk])
        stored = cursor.fetchone()[0]
        cursor.execute("SELECT content FROM homework_assignment WHERE id = %s", [assignment.pk])
        stored_assignment = cursor.fetchone()[0]
    assert SECRET not in stored and "Catch a hot thought" not in stored_assignment
    assert Entry.objects.get(pk=entry.pk).answers["entry"] == SECRET


def test_shared_entry_and_comment_flow(client, personas, monday):
    assignment = assign(personas.alice, personas.bob, key="journal")
    entry = submit(personas, assignment, assignment.occurrences.first(), "shared", words="A calmer day today")
    client.force_login(personas.alice)
    assert "A calmer day today" in client.get(reverse("entry_detail", args=[entry.pk])).content.decode()
    response = client.post(reverse("entry_detail", args=[entry.pk]), {"text": "Lovely to read — well done."})
    assert response.status_code == 302
    client.force_login(personas.bob)
    assert "Lovely to read" in client.get(reverse("entry_detail", args=[entry.pk])).content.decode()
    client.force_login(personas.frank)  # same practice, no care link
    assert client.get(reverse("entry_detail", args=[entry.pk])).status_code == 404


def test_not_working_notice_then_adjustment_shows_the_client_what_changed(client, personas, monday):
    assignment = assign(personas.alice, personas.bob)
    client.force_login(personas.bob)
    response = client.post(
        reverse("assignment_not_working", args=[assignment.pk]), {"reason": "too_long", "note": "It takes an hour"}
    )
    assert response.status_code == 302
    notice = Notice.objects.get()
    client.force_login(personas.alice)
    page = client.get(reverse("client_detail", args=[personas.bob.pk])).content.decode()
    assert "It takes too long" in page and "It takes an hour" in page
    edit = reverse("assignment_edit", args=[assignment.pk])
    form = client.get(edit).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(minutes=5, minimum="Just write the situation.", start_date="2026-03-02", schedule_kind="daily")
    data["formats"] = ["write"]
    response = client.post(edit, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    notice.refresh_from_db()
    assert notice.resolution == "adjusted"
    client.force_login(personas.bob)
    home = client.get(reverse("client_home")).content.decode()
    assert "Updated by your therapist" in home and "minimum version, time" in home
    # Past entries keep the revision they were written against.
    assignment.refresh_from_db()
    assert assignment.revision == 2


def test_bad_values_get_a_message_and_everything_typed_is_kept(client, personas, monday):
    assignment = assign(personas.alice, personas.bob)
    occurrence = Occurrence.objects.filter(assignment=assignment).first()
    url = reverse("occurrence_do", args=[occurrence.pk])
    client.force_login(personas.bob)
    client.post(f"{url}?step=0", {"f-situation": "kept text", "go": "next"})
    response = client.post(
        f"{url}?step=1",
        {
            "f-emotions-0-emotion": "Worried",
            "f-emotions-0-intensity": "140",
            "f-emotions-1-emotion": "x" * 400,
            "go": "next",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Please enter a number from 0 to 100" in content
    assert "characters at most" in content
    assert 'value="Worried"' in content and 'value="140"' in content
    # Reloading keeps it; an unknown choice is refused kindly; the first step's text is still there.
    assert 'value="Worried"' in client.get(f"{url}?step=1").content.decode()
    response = client.post(f"{url}?step=outcome", {"o-outcome": "sort-of", "go": "next"})
    assert "Please say how it went" in response.content.decode()
    assert "kept text" in client.get(f"{url}?step=0").content.decode()


def test_done_without_required_answers_goes_back_to_the_step(client, personas, monday):
    assignment = assign(personas.alice, personas.bob)
    occurrence = Occurrence.objects.filter(assignment=assignment).first()
    url = reverse("occurrence_do", args=[occurrence.pk])
    client.force_login(personas.bob)
    client.post(f"{url}?step=outcome", {"o-outcome": "done", "go": "next"})
    response = client.post(f"{url}?step=after", {"a-helpful": "5", "go": "finish"})
    assert response.status_code == 200
    assert "A few answers need a look" in response.content.decode()
    assert "Please fill this in." in response.content.decode()
    assert not Entry.objects.exists()


def test_draft_survives_sign_out_and_returns_after_sign_in(client, personas, monday):
    from datetime import timedelta

    from carryover.conftest import PASSWORD

    assignment = assign(personas.alice, personas.bob)
    occurrence = Occurrence.objects.filter(assignment=assignment).first()
    url = reverse("occurrence_do", args=[occurrence.pk])
    client.post("/accounts/login/", {"login": personas.bob.email, "password": PASSWORD})
    client.get(url)
    draft_id = occurrence.__class__.objects.get(pk=occurrence.pk).draft.pk
    client.post(reverse("draft_autosave", args=[draft_id]), {"f-situation": "typed before the timeout"})
    monday.shift(timedelta(minutes=31))
    # The next keystroke's autosave finds the session expired: it is kept and the browser is sent to sign in.
    response = client.post(
        reverse("draft_autosave", args=[draft_id]),
        {"f-situation": "typed before the timeout, and a bit more"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver" + url, "Origin": "http://testserver"},
    )
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/accounts/login/")
    response = client.post(response["HX-Redirect"], {"login": personas.bob.email, "password": PASSWORD})
    page = client.get(response.url, follow=True)
    assert page.request["PATH_INFO"] == url
    assert "typed before the timeout, and a bit more" in page.content.decode()


def test_practice_log_and_fear_ladder(client, personas, monday):
    client.force_login(personas.bob)
    response = client.post(
        reverse("ladder"),
        {
            "form-TOTAL_FORMS": "3",
            "form-INITIAL_FORMS": "0",
            "form-0-description": "Say hello to a neighbour",
            "form-0-suds": "30",
            "form-1-description": "Make a phone call",
            "form-1-suds": "55",
            "form-2-description": "",
            "form-2-suds": "",
        },
    )
    assert response.status_code == 302
    client.force_login(personas.alice)
    assert "Make a phone call" in client.get(reverse("client_detail", args=[personas.bob.pk])).content.decode()
    client.force_login(personas.bob)
    url = reverse("practice_log")
    client.get(url)
    client.post(f"{url}?step=0", {"f-skill": "Slow breathing", "go": "next"})
    steps = client.get(url).context["total"]
    for step in range(1, steps - 1):
        client.post(f"{url}?step={step}", {"go": "next"})
    response = client.post(f"{url}?step=after", {"a-visibility": "shared", "go": "finish"})
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = Entry.objects.get(assignment__isnull=True)
    assert entry.outcome == "done" and entry.answers["skill"] == "Slow breathing"
