"""The review conversation end to end through its services: walking the week, deciding, a new activity with a low
confidence adjusted, finishing once; and every bad-input case of the issue: leaving half-way, two therapists at
once, a confidence outside 0–10, an activity archived meanwhile."""

from __future__ import annotations

from datetime import date

import pytest

from carryover.homework import services as homework
from carryover.homework.forms import AssignmentForm, assignment_initial, version_initial
from carryover.homework.models import AssignmentStatus, Entry, Template
from carryover.together import agreed, services
from carryover.together.models import CheckOrigin, ConfidenceCheck, Conversation, Decision, StepKind
from carryover.together.services import StepInput

MONDAY = date(2026, 3, 9)


def start(personas, week, who=None):
    return services.conversation_start(
        therapist=(who or personas.alice).membership, client=week.sam.membership, today=MONDAY
    )


def decide(step, actor, decision, **fields):
    step.refresh_from_db()
    return services.step_save(step=step, actor=actor, version=step.version, data=StepInput(decision, **fields))


def add_new(conversation, actor, confidence, adjustment=""):
    version = Template.objects.get(key="journal", practice__isnull=True).latest_version()
    plan = services.plan_of({**version_initial(version, MONDAY), "title": "Worry time", "minutes": 10})
    return services.step_add_new(
        conversation=conversation,
        actor=actor,
        version=version,
        data=StepInput(
            Decision.NEW,
            learned="Worry gets a time of its own",
            confidence=confidence,
            adjustment=adjustment,
            plan=plan,
        ),
    )


def finish(conversation, actor):
    return services.conversation_finish(conversation=conversation, actor=actor, day=MONDAY, next_date=None)


def test_walk_the_week_decide_and_finish_once(personas, week, now):
    alice = personas.alice
    conversation = start(personas, week)
    walk, breathe, journal, flagged = conversation.steps.all()
    assert [s.kind for s in (walk, breathe, journal, flagged)] == ["assignment"] * 3 + ["entry"]
    decide(walk, alice, Decision.KEEP, learned="The walk helps when I go before dinner")
    decide(breathe, alice, Decision.SMALLER, learned="Ten minutes was too much on work days", confidence=8)
    decide(journal, alice, Decision.STOP, learned="It wasn't adding much")
    decide(flagged, alice, Decision.TALKED)
    new = add_new(conversation, alice, confidence=5)
    assert services.needs_adjustment(new) and new.confidence is None  # below 7: not settled yet
    assert services.unsettled(conversation) == ["“Worry time” (new): the confidence check isn't finished."]
    new = services.step_save(
        step=new,
        actor=alice,
        version=new.version,
        data=StepInput(Decision.NEW, learned=new.learned, confidence=8, adjustment="smaller", plan=new.plan),
    )
    assert (new.confidence_first, new.adjustment, new.confidence) == (5, "smaller", 8)

    result = finish(conversation, alice)

    week.breathe.refresh_from_db(), week.journal.refresh_from_db(), week.walk.refresh_from_db()
    assert week.breathe.c("instructions") == "Three slow breaths" and week.breathe.minutes == 5
    assert week.breathe.revision == 2 and week.walk.revision == 1
    assert week.journal.status == AssignmentStatus.COMPLETED
    assert not Entry.objects.get(pk=flagged.entry_id).talk_next_session  # talked about: the flag is cleared
    assert result.session.date == MONDAY and result.left_out == []
    lines = agreed.agreed_lines(Conversation.objects.get(pk=conversation.pk))
    assert [(line.title, line.what.split(":")[0].split(".")[0]) for line in lines] == [
        ("Evening walk", "We kept it as it is"),
        ("Breathing", "We made it smaller"),
        ("Journal", "We stopped it"),
        ("Worry time", "New"),
    ]
    checks = ConfidenceCheck.objects.filter(origin=CheckOrigin.SESSION)
    assert sorted((c.assignment.title, c.first, c.rating) for c in checks) == [
        ("Breathing", 8, 8),
        ("Worry time", 5, 8),
    ]
    # The client was in the room: the change is theirs already, no "updated by your therapist" card.
    assert not homework.revisions_unseen(week.sam.membership).exists()
    with pytest.raises(services.Finished):  # a second click, or the other therapist: nothing applied twice
        finish(conversation, personas.frank)
    week.breathe.refresh_from_db()
    assert week.breathe.revision == 2


def test_leaving_half_way_keeps_a_draft_that_resumes(personas, week, now):
    conversation = start(personas, week)
    walk = conversation.steps.first()
    decide(walk, personas.alice, Decision.PAUSE, learned="Too dark in the evenings")
    again = start(personas, week)  # the next day, or another tab
    assert again.pk == conversation.pk and again.steps.first().decision == Decision.PAUSE
    week.walk.refresh_from_db()
    assert week.walk.status == AssignmentStatus.ACTIVE  # nothing applied before finishing


def test_two_therapists_share_one_draft_and_neither_overwrites_unseen(personas, week, now):
    mine = start(personas, week)
    theirs = start(personas, week, who=personas.frank)
    assert theirs.pk == mine.pk and Conversation.objects.filter(client=week.sam.membership).count() == 1
    walk = mine.steps.first()
    opened_at = walk.version  # both open the walk's step
    services.step_save(step=walk, actor=personas.frank, version=opened_at, data=StepInput(Decision.STOP))
    with pytest.raises(services.StepConflict) as conflict:
        services.step_save(step=walk, actor=personas.alice, version=opened_at, data=StepInput(Decision.KEEP))
    assert "Frank Therapist changed this step while you had it open" in str(conflict.value)
    walk.refresh_from_db()
    assert walk.decision == Decision.STOP  # Frank's decision stands until Alice saves over it knowingly


def test_a_confidence_outside_0_to_10_is_refused(personas, week, now):
    breathe = start(personas, week).steps.all()[1]
    for bad in (-1, 11):
        with pytest.raises(services.StepError) as error:
            decide(breathe, personas.alice, Decision.SMALLER, confidence=bad)
        assert error.value.errors == {"confidence": "Confidence is a number from 0 to 10."}
    with pytest.raises(services.StepError):
        services.confidence_record(assignment=week.walk, rating=11)
    assert not ConfidenceCheck.objects.exists()


def test_an_activity_archived_meanwhile_gets_a_clear_message_and_is_left_out(personas, week, now):
    conversation = start(personas, week)
    walk, breathe = conversation.steps.all()[:2]
    decide(walk, personas.alice, Decision.KEEP)
    decide(breathe, personas.alice, Decision.SMALLER, confidence=9)
    for assignment in (week.walk, week.breathe):  # Frank archives both on the client page meanwhile
        homework.assignment_set_status(assignment=assignment, actor=personas.frank, status=AssignmentStatus.PAUSED)
        homework.assignment_set_status(assignment=assignment, actor=personas.frank, status=AssignmentStatus.ARCHIVED)
    with pytest.raises(services.StepError) as error:
        decide(walk, personas.alice, Decision.STOP)
    assert "“Evening walk” was archived after this review began" in error.value.errors["decision"]
    result = finish(conversation, personas.alice)
    assert result.left_out[:2] == [
        "“Evening walk”: archived during the review, so nothing was changed.",
        "“Breathing”: archived during the review, so nothing was changed.",
    ]
    week.breathe.refresh_from_db()
    assert week.breathe.revision == 1 and week.breathe.status == AssignmentStatus.ARCHIVED


def test_a_change_made_elsewhere_after_deciding_stops_the_finish_until_looked_at(personas, week, now):
    conversation = start(personas, week)
    breathe = conversation.steps.all()[1]
    decide(breathe, personas.alice, Decision.SMALLER, confidence=9)
    form = AssignmentForm({**services.plan_of(assignment_initial(week.breathe)), "minutes": 12})
    assert form.is_valid(), form.errors
    homework.assignment_update(assignment=week.breathe, actor=personas.frank, data=form.data_object())  # Frank
    with pytest.raises(services.StepError) as error:
        finish(conversation, personas.alice)
    assert "“Breathing”: it was changed elsewhere after you decided" in str(error.value)
    assert Conversation.objects.get(pk=conversation.pk).is_draft  # rolled back: still a draft, nothing lost


def test_private_entries_never_become_steps(personas, week, now):
    conversation = start(personas, week)
    entries = [s.entry for s in conversation.steps.filter(kind=StepKind.ENTRY)]
    assert [e.visibility for e in entries] == ["shared"]
