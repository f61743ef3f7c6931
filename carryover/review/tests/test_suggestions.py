"""Questions for the session follow from the numbers, and stay quiet when there is no pattern."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from carryover.homework.models import Assignment
from carryover.review.suggestions import for_assignment
from carryover.review.summary import AssignmentStats


def stats(**fields) -> AssignmentStats:
    assignment = Assignment(content={"title": "Walk"}, minutes=20)
    return AssignmentStats(assignment=assignment, **fields)


def test_a_single_skip_is_not_a_pattern():
    assert for_assignment(stats(due=2, skipped=1, barriers=Counter({"forgot": 1}))) == []


def test_barrier_pattern_suggests_a_fix_for_that_barrier():
    [question] = for_assignment(stats(due=4, done=1, skipped=3, barriers=Counter({"forgot": 3, "no_time": 1})))
    assert question == (
        "“Walk” wasn't done 3 times with “I forgot”: anchor it to something they already do every day, or adjust "
        "the reminder?"
    )


def test_much_quicker_than_estimated_asks_whether_it_is_rushed():
    [question] = for_assignment(stats(due=3, done=3, credit=Decimal(3), minutes=[5, 6, 7]))
    assert (
        question == "“Walk”: estimated 20 min, took 6 on average: is it being rushed, or could it be planned shorter?"
    )


def test_many_missed_without_a_word_asks_about_reminders_and_timing():
    [question] = for_assignment(stats(due=5, missed=4, done=1, credit=Decimal(1)))
    assert question.startswith("“Walk” passed 4 times without an answer")


def test_low_adherence_without_another_pattern_asks_what_got_in_the_way():
    [question] = for_assignment(stats(due=4, done=1, missed=2, skipped=1, credit=Decimal(1)))
    assert question == "“Walk” was done 25% of the time: what got in the way?"


def test_hard_and_unhelpful_are_both_raised():
    questions = for_assignment(stats(due=2, done=2, credit=Decimal(2), helpful=[3, 4], hard=[8, 9]))
    assert questions == [
        "“Walk” was rated 3.5/10 for helpfulness: does it fit what they need?",
        "“Walk” felt hard (8.5/10): break it into smaller steps?",
    ]
