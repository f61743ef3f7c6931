from django.urls import reverse

from carryover.homework.models import Draft, Entry, Occurrence, OccurrenceStatus

from .conftest import assign


def post_step(client, url, step, data, go="next"):
    return client.post(f"{url}?step={step}", {**data, "go": go})


def test_client_fills_a_7_column_thought_record_partly_with_barriers(client, personas, monday):
    assignment = assign(personas.alice, personas.bob)
    client.force_login(personas.bob)
    home = client.get(reverse("client_home")).content.decode()
    assert "Catch a hot thought" in home and "15 min" in home and "Why this helps" in home
    occurrence = Occurrence.objects.get(assignment=assignment, due_date="2026-03-02")
    url = reverse("occurrence_do", args=[occurrence.pk])
    assert client.get(url).status_code == 200
    post_step(client, url, "0", {"f-situation": "Meeting at work; my manager frowned."})
    post_step(client, url, "1", {"f-emotions-0-emotion": "Anxious", "f-emotions-0-intensity": "80"})
    response = post_step(
        client,
        url,
        "2",
        {"f-thoughts-0-thought": "They think I'm useless", "f-thoughts-0-belief": "90", "f-thoughts-mark": "0"},
    )
    # The hot thought stays visible on every later step.
    assert "They think I&#x27;m useless" in client.get(response.url).content.decode()
    # Leave mid-way: the draft keeps everything, and coming back resumes there.
    draft = Draft.objects.get(occurrence=occurrence)
    assert draft.raw["f-situation"] == "Meeting at work; my manager frowned."
    again = client.get(url)
    assert again.status_code == 200
    response = post_step(client, url, "outcome", {"o-outcome": "partial", "o-fraction": "0.50"})
    response = post_step(client, url, "barriers", {"o-barriers": ["upsetting", "no_time"], "o-barriers-present": "1"})
    response = post_step(client, url, "after", {"a-helpful": "6", "a-visibility": "shared"}, go="finish")
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = Entry.objects.get(occurrence=occurrence)
    assert entry.outcome == "partial" and entry.credit() == entry.fraction
    assert entry.barriers == ["no_time", "upsetting"]
    assert entry.answers["thoughts"][0]["marked"] is True
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.PARTIAL
    assert not Draft.objects.filter(occurrence=occurrence).exists()

    client.force_login(personas.alice)
    page = client.get(reverse("client_detail", args=[personas.bob.pk])).content.decode()
    assert "Did part of it" in page and "It felt too upsetting" in page
    detail = client.get(reverse("entry_detail", args=[entry.pk])).content.decode()
    assert "They think I&#x27;m useless" in detail and "Hot thought" in detail


def test_autosave_answers_with_the_flow_pages_saved_partial(client, personas, monday):
    assignment = assign(personas.alice, personas.bob, key="journal")
    occurrence = assignment.occurrences.order_by("due_date").first()
    client.force_login(personas.bob)
    client.get(reverse("occurrence_do", args=[occurrence.pk]))
    draft = Draft.objects.get(occurrence=occurrence)
    url = reverse("draft_autosave", args=[draft.pk])
    response = client.post(url, {"f-entry": "typed"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content.decode().strip() == "Saved 09:00"  # just the text for #saved, in Bob's London time
    assert Draft.objects.get(pk=draft.pk).raw["f-entry"] == "typed"
