"""If-then plans and minimum versions read once, however they were typed (homework/plans.py), on save and on
display."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carryover.homework.models import Assignment
from carryover.homework.plans import minimum_text, plan_sentence, plan_then, plan_when

from .conftest import assign


@pytest.mark.parametrize(
    ("typed", "reads"),
    [
        ("finish dinner", "After I finish dinner"),
        ("After I finish dinner", "After I finish dinner"),
        ("after i finish dinner.", "After I finish dinner"),
        ("After I After I finish dinner", "After I finish dinner"),
        ("  After I   brush my teeth at night ", "After I brush my teeth at night"),
        ("after dinner", "After dinner"),
        ("dinner", "After dinner"),
        ("When I get home", "When I get home"),
        ("before bed", "Before bed"),
        ("After I", ""),
        ("", ""),
    ],
)
def test_the_routine_reads_once(typed, reads):
    assert plan_when(typed) == reads


@pytest.mark.parametrize(
    ("typed", "reads"),
    [
        ("sit on the bed and breathe", "I will sit on the bed and breathe"),
        ("I will sit on the bed", "I will sit on the bed"),
        ("I'll sit on the bed", "I will sit on the bed"),
        ("I’ll open the thought record", "I will open the thought record"),
        ("I will I will sit", "I will sit"),
        ("then I'll write one line.", "I will write one line"),
        ("I will", ""),
    ],
)
def test_the_action_reads_once(typed, reads):
    assert plan_then(typed) == reads


def test_the_whole_plan_is_one_sentence():
    assert plan_sentence("After I After I finish dinner", "I will I will sit") == "After I finish dinner, I will sit."
    assert plan_sentence("", "") == ""
    assert plan_sentence("after lunch", "") == "After lunch, I will do it."


@pytest.mark.parametrize(
    ("typed", "reads"),
    [
        ("Short on time? Write the situation.", "Write the situation."),
        ("short on time?? write one line", "Write one line"),
        ("Short on time? Short on time? Three breaths.", "Three breaths."),
        ("Three slow breaths count.", "Three slow breaths count."),
    ],
)
def test_the_minimum_version_says_short_on_time_once(typed, reads):
    assert minimum_text(typed) == reads


def test_plans_are_saved_once_and_old_ones_read_once(client, personas, monday):
    assignment = assign(
        personas.alice,
        personas.bob,
        if_when="After I finish dinner",
        if_then="I'll sit on the edge of the bed",
        minimum="Short on time? Write one line.",
    )
    assert assignment.content["if_when"] == "After I finish dinner"
    assert assignment.content["if_then"] == "I will sit on the edge of the bed"
    assert assignment.content["minimum"] == "Write one line."
    client.force_login(personas.bob)
    page = client.get(reverse("assignment_detail", args=[assignment.pk])).content.decode()
    assert "After I finish dinner, I will sit on the edge of the bed." in page
    assert page.count("Short on time?") == 1

    # Saved before normalising: the page still reads it once.
    old = {**assignment.content, "if_when": "After I After I finish dinner", "if_then": "I will I will sit"}
    Assignment.objects.filter(pk=assignment.pk).update(content=old)
    page = client.get(reverse("assignment_detail", args=[assignment.pk])).content.decode()
    assert "After I finish dinner, I will sit." in page and "After I After" not in page
    settings_page = client.get(reverse("reminder_settings")).content.decode()
    assert "from your plan “After I finish dinner”" in settings_page
