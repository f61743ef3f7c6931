import base64

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carryover.homework.attachments import attachment_read
from carryover.homework.models import Attachment, Entry, Occurrence

from .conftest import assign
from .media_samples import WEBM, image

PNG = image("PNG")
JPEG = image("JPEG")


def journal(personas, formats=("write", "draw", "voice")):
    assignment = assign(personas.alice, personas.bob, key="journal", formats=list(formats))
    occurrence = Occurrence.objects.filter(assignment=assignment).first()
    return assignment, reverse("occurrence_do", args=[occurrence.pk])


def test_drawing_and_voice_are_stored_encrypted_and_served_only_to_those_allowed(
    client, personas, monday, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    assignment, url = journal(personas)
    client.force_login(personas.bob)
    drawing = "data:image/png;base64," + base64.b64encode(PNG).decode()
    response = client.post(
        f"{url}?step=0",
        {
            "f-drawing-drawing": drawing,
            "f-voice-file": SimpleUploadedFile("note.webm", WEBM, "audio/webm"),
            "go": "next",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    kinds = dict(Attachment.objects.values_list("kind", "content_type"))
    assert kinds == {"drawing": "image/png", "audio": "audio/webm"}
    stored = (tmp_path / Attachment.objects.get(kind="drawing").path).read_bytes()
    assert PNG not in stored  # encrypted on disk
    client.post(f"{url}?step=outcome", {"o-outcome": "done", "go": "next"})
    client.post(f"{url}?step=after", {"a-visibility": "shared", "go": "finish"})
    entry = Entry.objects.get()
    drawing_id = entry.answers["drawing"]
    served = client.get(reverse("attachment_view", args=[drawing_id]))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served.content == attachment_read(Attachment.objects.get(pk=drawing_id))  # re-encoded: see test_uploads
    assert served["Cache-Control"] == "no-store"
    client.force_login(personas.alice)
    assert client.get(reverse("attachment_view", args=[drawing_id])).status_code == 200
    for stranger in (personas.frank, personas.charlie, personas.erin):
        client.force_login(stranger)
        assert client.get(reverse("attachment_view", args=[drawing_id])).status_code == 404
    # A private entry's files are the client's alone.
    Entry.objects.filter(pk=entry.pk).update(visibility="private")
    client.force_login(personas.alice)
    assert client.get(reverse("attachment_view", args=[drawing_id])).status_code == 404


def test_wrong_type_and_oversized_files_are_refused_kindly(client, personas, monday, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_BYTES = {**settings.ATTACHMENT_MAX_BYTES, "audio": len(WEBM) - 1}
    _, url = journal(personas)
    client.force_login(personas.bob)
    response = client.post(
        f"{url}?step=0",
        {"f-entry": "keep this", "f-voice-file": SimpleUploadedFile("x.webm", JPEG, "audio/webm"), "go": "next"},
    )
    assert response.status_code == 200
    assert "isn&#x27;t a recording in a format we can play" in response.content.decode()
    assert "keep this" in response.content.decode()
    response = client.post(
        f"{url}?step=0",
        {"f-voice-file": SimpleUploadedFile("big.webm", WEBM, "audio/webm"), "go": "next"},
    )
    assert f"the limit is {(len(WEBM) - 1) // 1024} KB" in response.content.decode()
    response = client.post(f"{url}?step=0", {"f-drawing-drawing": "data:image/png;base64,@@@", "go": "next"})
    assert "drawing could not be read" in response.content.decode()
    assert not Attachment.objects.exists()


def test_formats_the_therapist_did_not_allow_are_not_offered(client, personas, monday):
    _, url = journal(personas, formats=("write",))
    client.force_login(personas.bob)
    page = client.get(f"{url}?step=0").content.decode()
    assert 'name="f-entry"' in page and "f-drawing" not in page and "f-voice" not in page
