"""How it went and the questions after (homework/outcome.py): the same message for each wrong input, whether the
flow checks a step or the entry is sent; what the chosen outcome does not ask for is never held against it."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from carryover.homework import services
from carryover.homework.models import Entry
from carryover.homework.outcome import AfterForm, OutcomeForm, sent_values

from .conftest import assign


def draft_with(personas, raw):
    assignment = assign(personas.alice, personas.bob, key="journal")
    occurrence = assignment.occurrences.order_by("due_date").first()
    draft = services.draft_for(
        client=personas.bob.membership, occurrence=occurrence, version=assignment.template_version
    )
    return services.draft_save(draft=draft, updates=raw)


MINUTES, RATING = "Please enter the minutes as a whole number (up to 1440).", "Please choose a number from 0 to 10."
SKIPPED = {"o-outcome": "skipped"}
WRONG = [
    ({}, {"o-outcome": "Please say how it went."}),
    ({"o-outcome": "finished"}, {"o-outcome": "Please say how it went."}),
    ({"o-outcome": "partial", "o-fraction": "0.3"}, {"o-fraction": "Please choose about how much you did."}),
    (SKIPPED | {"o-barriers": ["forgot", "aliens"]}, {"o-barriers": "Please choose from the options shown."}),
    (
        SKIPPED | {"o-barriers": ["other"], "o-barrier_other": "x" * 1001},
        {"o-barrier_other": "Please keep this under 1,000 characters."},
    ),
    (SKIPPED | {"a-minutes": "1441"}, {"a-minutes": MINUTES}),
    (SKIPPED | {"a-minutes": "1\x00"}, {"a-minutes": MINUTES}),
    (SKIPPED | {"a-helpful": "11", "a-mood_after": "-1"}, {"a-helpful": RATING, "a-mood_after": RATING}),
    (SKIPPED | {"a-visibility": "everyone"}, {"a-visibility": "Please choose who can see this."}),
]


@pytest.mark.parametrize("raw,errors", WRONG)
def test_each_wrong_input_has_its_message_and_nothing_is_sent(personas, monday, raw, errors):
    draft = draft_with(personas, raw)
    with pytest.raises(services.SubmissionError) as refused:
        services.entry_submit(draft=draft)
    assert refused.value.errors == errors
    assert not Entry.objects.exists()
    assert OutcomeForm(draft.raw).named_errors() | AfterForm(draft.raw).named_errors() == errors  # the flow's view


def test_what_another_outcome_asks_for_is_not_held_against_done(personas, monday):
    """Chose "partial", picked a wrong fraction and long words, then changed their mind: done is still done."""
    raw = {"o-outcome": "done", "o-fraction": "0.3", "o-barriers": ["aliens"], "o-barrier_other": "x" * 2000}
    entry = services.entry_submit(draft=draft_with(personas, raw | {"f-entry": "Wrote it."}))
    assert (entry.outcome, entry.fraction, entry.barriers, entry.content["barrier_other"]) == ("done", None, [], "")


def test_clean_values_reach_the_entry(personas, monday):
    raw = {"o-outcome": "partial", "o-fraction": "0.75", "o-barriers": ["other", "no_time"], "o-barrier_other": " Ill "}
    raw |= {"a-minutes": " 20 ", "a-helpful": "7", "a-hard": "0", "a-talk": "on", "a-visibility": "private"}
    entry = services.entry_submit(draft=draft_with(personas, raw))
    assert (str(entry.fraction), entry.barriers, entry.content["barrier_other"]) == (
        "0.75",
        ["no_time", "other"],
        "Ill",
    )
    assert (entry.minutes_spent, entry.helpfulness, entry.difficulty, entry.mood_before) == (20, 7, 0, None)
    assert entry.talk_next_session is True and entry.visibility == "private"


def test_a_step_saves_only_the_inputs_it_sent():
    sent = QueryDict("o-outcome=partial&a-minutes=5&f-entry=words&csrfmiddlewaretoken=t")
    assert sent_values(sent) == {"o-outcome": "partial", "a-minutes": "5"}
    # The barrier checkboxes were on the page with none ticked: saved as none, so an earlier choice is cleared.
    assert sent_values(QueryDict("o-barriers-present=1")) == {"o-barriers": []}
    assert sent_values(QueryDict("o-barriers=forgot&o-barriers=no_time")) == {"o-barriers": ["forgot", "no_time"]}
