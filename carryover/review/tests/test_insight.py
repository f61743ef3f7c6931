from __future__ import annotations

import time_machine
from django.urls import reverse

from carryover.homework.tests.conftest import assign


def test_insight_per_template_and_style(client, personas, journal_week):
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False):
        plan = {"if_when": "After breakfast", "if_then": "I'll write", "minimum": "A line"}
        assign(
            personas.alice,
            personas.erin,
            key="journal",
            title="Pages",
            schedule_kind="per_week",
            times_per_week="2",
            minutes=5,
            **plan,
        )
    with time_machine.travel("2026-03-09 09:00 +00:00", tick=False):
        client.force_login(personas.alice)
        html = client.get(reverse("caseload_insight")).content.decode()
        again = client.get(reverse("caseload_insight"))
    rows = {r.split("</th>")[0]: r for r in html.split('<th scope="row">')[1:]}
    # Bob's daily journal: seven closed days, credit 3.5 (see the journal_week fixture), plus Erin's two slots
    # of the week that ended on Sunday, never answered: 3.5 of 9. Private barriers are left out.
    assert "<td>2</td><td>9</td><td>3</td><td>1</td><td>39%</td>" in rows["Journal"]
    assert "I wasn&#x27;t sure how (2); No time or energy (1); Something else (1)" in rows["Journal"]
    assert "<td>1</td><td>7</td><td>3</td><td>1</td><td>50%</td>" in rows["Every day, 11–20 min"]
    assert "<td>1</td><td>2</td><td>0</td><td>0</td><td>0%</td>" in rows["A number of times a week, up to 10 min"]
    assert "<td>1</td><td>2</td><td>0</td><td>0</td><td>0%</td>" in rows["With an if-then plan (“after I…, I will…”)"]
    assert "<td>1</td><td>7</td><td>3</td><td>1</td><td>50%</td>" in rows["Without an if-then plan"]
    assert "<td>1</td><td>2</td><td>0</td><td>0</td><td>0%</td>" in rows["With a minimum version"]
    assert "I forgot" not in html
    assert html.index("A number of times a week, up to 10 min") < html.index("Every day, 11–20 min")  # lowest first
    assert again.status_code == 200


def test_insight_is_only_about_my_own_clients(client, personas, journal_week):
    with time_machine.travel("2026-03-09 09:00 +00:00", tick=False):
        client.force_login(personas.frank)  # same practice, not Bob's therapist
        html = client.get(reverse("caseload_insight")).content.decode()
    assert "Nothing was due" in html and "Journal" not in html
