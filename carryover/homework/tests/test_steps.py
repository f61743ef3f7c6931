"""The step-by-step form on Next: a "(needed)" answer is asked for at its own step, "I only did part of it" goes
straight to how it went, the step count never jumps, focus goes to the step heading, and the autosave says when
an answer is too long to send."""

from __future__ import annotations

import re

from django.urls import reverse

from carryover.homework.models import Draft, Occurrence

from .conftest import assign
from .test_doing import post_step


def _start(client, personas):
    assignment = assign(personas.alice, personas.bob)  # the 7-column thought record: 8 steps, then how it went
    occurrence = Occurrence.objects.get(assignment=assignment, due_date="2026-03-02")
    client.force_login(personas.bob)
    return reverse("occurrence_do", args=[occurrence.pk]), occurrence


def _counter(page: str) -> str:
    return re.search(r"Step \d+ of \d+(: how it went)?", page).group(0)


def test_a_needed_answer_is_asked_for_at_its_own_step_and_everything_is_kept(client, personas, monday):
    url, occurrence = _start(client, personas)
    response = post_step(client, url, "0", {"f-situation": "  "})
    page = response.content.decode()
    assert response.status_code == 200 and "Please fill this in." in page  # still step 1, not sent on to step 2
    assert _counter(page) == "Step 1 of 9" and "data-focus-on-load" in page
    response = post_step(client, url, "1", {"f-emotions-0-emotion": "", "f-emotions-0-intensity": "70"})
    assert "Please fill this in, or clear the row." in response.content.decode()
    assert Draft.objects.get(occurrence=occurrence).raw["f-emotions-0-intensity"] == "70"  # kept, though refused
    assert post_step(client, url, "1", {}, go="back").status_code == 302  # Back never asks


def test_i_only_did_part_goes_to_how_it_went_and_the_count_stays_honest(client, personas, monday):
    url, occurrence = _start(client, personas)
    assert _counter(client.get(url).content.decode()) == "Step 1 of 9"
    assert "data-focus-on-load" not in client.get(url).content.decode()  # a first visit starts at the top
    post_step(client, url, "0", {"f-situation": "Team meeting."})
    refused = post_step(client, url, "1", {}).content.decode()
    assert "I only did part of it" in refused
    response = post_step(client, url, "1", {}, go="part")
    assert response.status_code == 302 and response.url.endswith("?step=outcome")
    draft = Draft.objects.get(occurrence=occurrence)
    assert draft.raw["o-outcome"] == "partial"
    counts = [_counter(client.get(f"{url}?step={step}").content.decode()) for step in ("outcome", "barriers", "after")]
    assert counts == ["Step 9 of 9: how it went"] * 3
    assert _counter(client.get(f"{url}?step=2").content.decode()) == "Step 3 of 9"  # going back: no jump either
    # Having said "part of it", Next no longer asks for the rest of the worksheet.
    assert post_step(client, url, "2", {}).status_code == 302


def test_the_autosave_says_when_an_answer_is_too_long_and_keeps_it(client, personas, monday):
    assignment = assign(personas.alice, personas.bob, key="journal")
    occurrence = assignment.occurrences.order_by("due_date").first()
    client.force_login(personas.bob)
    page = client.get(reverse("occurrence_do", args=[occurrence.pk])).content.decode()
    assert 'data-limit="5000"' in page and "maxlength" not in page  # a counter, never a silent cut
    draft = Draft.objects.get(occurrence=occurrence)
    url = reverse("draft_autosave", args=[draft.pk])
    response = client.post(url, {"f-entry": "x" * 20_000}, headers={"HX-Request": "true"})
    said = response.content.decode().strip()
    assert said == "Kept, but it can't be sent like this: Please keep this to 5,000 characters at most (it has 20,000)."
    assert len(Draft.objects.get(pk=draft.pk).raw["f-entry"]) == 20_000
    step = post_step(client, reverse("occurrence_do", args=[occurrence.pk]), "0", {"f-entry": "x" * 20_000})
    assert "Please keep this to 5,000 characters at most (it has 20,000)." in step.content.decode()  # same words


def test_the_autosave_checks_answers_as_sending_would(client, personas, monday):
    """A step of the client's own fear ladder is a good answer: the autosave says "Saved", not a false warning."""
    from carryover.homework import services
    from carryover.homework.models import LadderItem

    services.ladder_save(
        actor=personas.alice, client=personas.bob.membership, items=[{"description": "Lift", "suds": 40}]
    )
    assignment = assign(personas.alice, personas.bob, key="exposure_practice")
    occurrence = assignment.occurrences.order_by("due_date").first()
    client.force_login(personas.bob)
    client.get(reverse("occurrence_do", args=[occurrence.pk]))
    url = reverse("draft_autosave", args=[Draft.objects.get(occurrence=occurrence).pk])
    rung = LadderItem.objects.get(client=personas.bob.membership)
    said = client.post(url, {"f-ladder_item": str(rung.pk)}, headers={"HX-Request": "true"}).content.decode().strip()
    assert said == "Saved 09:00"
    said = client.post(url, {"f-suds_before": "250"}, headers={"HX-Request": "true"}).content.decode().strip()
    assert said.startswith("Kept, but it can't be sent like this: ")  # a wrong answer still gets its warning
