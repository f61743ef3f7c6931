"""Answer by voice (issue 17): where a worksheet asks for an answer in one's own words and the therapist allowed
voice, a voice note can answer instead of typing. It is stored, encrypted and access-checked exactly as the
journal's voice notes (test_attachments.py), and the entry shows it after its question."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carryover.homework.builder import formats_for
from carryover.homework.builtin import builtin_template
from carryover.homework.models import Attachment, Entry, Occurrence

from .conftest import assign
from .media_samples import WEBM


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def thought_record(personas, formats):
    assignment = assign(personas.alice, personas.bob, key="thought_record_3", formats=formats)
    occurrence = Occurrence.objects.filter(assignment=assignment).first()
    return reverse("occurrence_do", args=[occurrence.pk])


def voice_note(name="situation"):
    return {f"f-{name}_spoken-file": SimpleUploadedFile("note.webm", WEBM, "audio/webm")}


def test_a_voice_note_answers_a_required_question_and_is_kept_like_a_journals(client, personas, monday, media):
    url = thought_record(personas, ["write", "voice"])
    client.force_login(personas.bob)
    page = client.get(f"{url}?step=0").content.decode()
    assert 'name="f-situation_spoken-file"' in page and "What was happening? (voice note)" in page
    assert "(needed: type it, or record it below)" in page

    response = client.post(f"{url}?step=0", {**voice_note(), "go": "next"})  # nothing typed: the recording answers
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"].endswith("?step=1")
    client.post(f"{url}?step=1", {"f-thoughts": "They think I'm useless", "go": "next"})
    client.post(f"{url}?step=2", {"f-feelings": "Low", "go": "next"})
    client.post(f"{url}?step=outcome", {"o-outcome": "done", "go": "next"})
    client.post(f"{url}?step=after", {"a-visibility": "shared", "go": "finish"})

    entry = Entry.objects.get()
    recording = Attachment.objects.get(pk=entry.answers["situation_spoken"])
    assert "situation" not in entry.answers
    assert (recording.kind, recording.content_type, recording.entry_id) == ("audio", "audio/webm", entry.pk)
    heard = reverse("attachment_view", args=[recording.pk])
    assert f'<audio controls src="{heard}">' in client.get(reverse("my_entry", args=[entry.pk])).content.decode()
    client.force_login(personas.alice)
    assert client.get(heard).status_code == 200
    for stranger in (personas.frank, personas.charlie, personas.erin):
        client.force_login(stranger)
        assert client.get(heard).status_code == 404


def test_without_voice_allowed_there_is_no_recorder_and_a_sent_file_is_not_kept(client, personas, monday, media):
    url = thought_record(personas, ["write"])
    client.force_login(personas.bob)
    page = client.get(f"{url}?step=0").content.decode()
    assert "_spoken-file" not in page and "record it below" not in page and "(needed)" in page
    response = client.post(f"{url}?step=0", {**voice_note(), "go": "next"})
    assert response.status_code == 200
    assert "Please fill this in." in response.content.decode()  # typing is still the only way
    assert not Attachment.objects.exists()


def test_a_recording_that_is_not_one_is_refused_and_what_was_typed_is_kept(client, personas, monday, media):
    url = thought_record(personas, ["write", "voice"])
    client.force_login(personas.bob)
    bad = {"f-situation_spoken-file": SimpleUploadedFile("x.webm", b"not sound", "audio/webm")}
    response = client.post(f"{url}?step=0", {**bad, "f-situation": "At work", "go": "next"})
    assert response.status_code == 200
    assert "isn&#x27;t a recording in a format we can play" in response.content.decode()
    assert "At work" in response.content.decode()


def test_voice_is_offered_wherever_an_answer_is_in_ones_own_words():
    assert builtin_template("thought_record_3")["formats"] == ["write", "voice"]
    assert builtin_template("journal")["formats"] == ["write", "draw", "voice"]  # its own recorder, no second one
    ratings_only = {"steps": [{"title": "T", "fields": [{"key": "r", "type": "rating", "label": "R"}]}]}
    assert formats_for(ratings_only) == ["write"]


def test_a_table_in_ones_own_words_takes_a_voice_note_for_its_rows_where_voice_is_allowed(
    client, personas, monday, media
):
    """The thought record's tables (moods, thoughts) have cells in one's own words: one voice note after each
    table answers it, stored and access-checked as any recording; without voice allowed there is none."""
    assignment = assign(personas.alice, personas.bob, key="thought_record_7", formats=["write", "voice"])
    url = reverse("occurrence_do", args=[assignment.occurrences.order_by("due_date").first().pk])
    client.force_login(personas.bob)
    page = client.get(f"{url}?step=1").content.decode()
    assert 'name="f-emotions_spoken-file"' in page and "What did I feel? (voice note)" in page
    assert "(needed: type it, or record it below)" in page
    response = client.post(f"{url}?step=1", {**voice_note("emotions"), "go": "next"})  # no row typed: it answers
    assert response.status_code == 302 and response["Location"].endswith("?step=2"), response.content[:2000]
    recording = Attachment.objects.get()
    assert recording.kind == "audio" and recording.draft.raw["f-emotions_spoken"] == str(recording.pk)
    client.force_login(personas.erin)
    assert client.get(reverse("attachment_view", args=[recording.pk])).status_code == 404

    written = assign(personas.alice, personas.erin, key="thought_record_7", formats=["write"])
    url = reverse("occurrence_do", args=[written.occurrences.order_by("due_date").first().pk])
    page = client.get(f"{url}?step=1").content.decode()
    assert "_spoken-file" not in page and "record it below" not in page
    response = client.post(f"{url}?step=1", {**voice_note("emotions"), "go": "next"})
    assert response.status_code == 200 and "Please list at least 1." in response.content.decode()
    assert Attachment.objects.count() == 1  # only Bob's


def test_what_got_in_the_way_can_be_a_voice_note_kept_with_the_entry_for_the_care_team_only(
    client, personas, monday, media
):
    url = thought_record(personas, ["write", "voice"])
    client.force_login(personas.bob)
    client.post(f"{url}?step=0", {"f-situation": "At work", "go": "part"})
    client.post(f"{url}?step=outcome", {"o-outcome": "skipped", "go": "next"})
    page = client.get(f"{url}?step=barriers").content.decode()
    assert 'name="o-barrier_spoken-file"' in page and "Or say it in a voice note (optional)" in page
    response = client.post(
        f"{url}?step=barriers",
        {
            "o-barriers-present": "1",
            "o-barriers": "no_time",
            "o-barrier_spoken-file": voice_note()["f-situation_spoken-file"],
        },
    )
    assert response.status_code == 302, response.context["errors"]
    client.post(f"{url}?step=barriers", {"o-barriers-present": "1", "o-barriers": "no_time", "go": "finish"})
    entry = Entry.objects.get()
    recording = Attachment.objects.get(pk=entry.content["barrier_spoken"])
    assert (recording.kind, recording.entry_id) == ("audio", entry.pk) and entry.outcome == "skipped"
    heard = reverse("attachment_view", args=[recording.pk])
    assert f'src="{heard}"' in client.get(reverse("my_entry", args=[entry.pk])).content.decode()
    client.force_login(personas.alice)
    assert client.get(heard).status_code == 200
    client.force_login(personas.erin)
    assert client.get(heard).status_code == 404


def test_without_voice_there_is_no_barrier_recorder_and_an_id_typed_in_is_not_a_recording(client, personas, monday):
    url = thought_record(personas, ["write"])
    client.force_login(personas.bob)
    client.post(f"{url}?step=0", {"f-situation": "At work", "go": "part"})
    client.post(f"{url}?step=outcome", {"o-outcome": "skipped", "go": "next"})
    assert "o-barrier_spoken" not in client.get(f"{url}?step=barriers").content.decode()
    data = {"o-barriers-present": "1", "o-barriers": "no_time", "o-barrier_spoken": "1", "go": "finish"}
    client.post(f"{url}?step=barriers", data)
    assert "barrier_spoken" not in Entry.objects.get().content
