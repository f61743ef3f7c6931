"""Risk answers act the moment they are saved: a step's Next, a measure's answer or the autosave shows the crisis
screen and raises exactly one alert for that occurrence; sending re-uses it; changing the answer back keeps it,
marked; the alert page says what the client was really shown. Rules are data, so the DBT card and a therapist's
own risk question behave the same way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carryover.homework import schema as worksheet
from carryover.homework.models import Draft, Entry, Template
from carryover.homework.services import custom_template_save
from carryover.homework.tests.conftest import assign
from carryover.measures import services
from carryover.measures.models import AlertStatus, RiskAlert

from .helpers import assign_measure

pytestmark = pytest.mark.usefixtures("monday")


@pytest.fixture
def phq9(personas):
    assignment = assign_measure(personas.alice, personas.bob)
    return assignment.occurrences.order_by("due_date").first()


def answer_item(client, occurrence, number, value, go="next"):
    data = {"step": str(number - 1), "go": go, f"f-q{number}": str(value)}
    return client.post(reverse("measure_do", args=[occurrence.pk]), data)


def test_item9_answered_and_next_pressed_shows_the_lines_and_raises_one_alert_before_any_send(client, personas, phq9):
    client.force_login(personas.bob)
    for number in range(1, 9):
        assert answer_item(client, phq9, number, 0).url.endswith(f"?step={number}")
    response = answer_item(client, phq9, 9, 1)
    assert response.url == reverse("crisis_support")  # at once: not after the optional last question, not at Send
    alert = RiskAlert.objects.get()
    assert (alert.occurrence_id, alert.entry_id, alert.status, alert.source) == (phq9.pk, None, "open", "phq9_item9")
    page = client.get(response.url).content.decode()
    assert page.index('href="tel:116123"') < page.index("Your therapist will see this")  # lines first
    assert "My safety plan" not in page  # Bob has none: nothing claims he does
    home = client.get(reverse("client_home")).content.decode()
    assert "Your therapist has been told about an answer here" in home  # not a bare "Continue"
    # Back in the questionnaire, Next on the same answer moves on; the last question sends it.
    assert answer_item(client, phq9, 9, 1).url.endswith("?step=9")
    response = client.post(reverse("measure_do", args=[phq9.pk]), {"step": "9", "go": "finish"})
    assert response.url == reverse("crisis_support")
    alert = RiskAlert.objects.get()  # still exactly one, now linked to what was sent
    assert alert.entry == Entry.objects.get() and alert.entry.measure_result.risk_value == 1


def test_autosave_of_a_risk_answer_redirects_the_page_to_the_crisis_screen(client, personas, phq9):
    client.force_login(personas.bob)
    answer_item(client, phq9, 1, 0)  # makes the draft
    draft = Draft.objects.get()
    url = reverse("draft_autosave", args=[draft.pk])
    response = client.post(url, {"f-q9": "2"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response["HX-Redirect"] == reverse("crisis_support") + "?after=save"
    assert RiskAlert.objects.count() == 1
    screen = client.get(response["HX-Redirect"])  # htmx followed it...
    assert reverse("crisis_seen") in screen.content.decode()
    assert client.post(reverse("crisis_seen")).status_code == 204  # ...and the page, on the screen, says so
    again = client.post(url, {"f-q9": "2", "f-q1": "0"}, headers={"HX-Request": "true"})
    assert "HX-Redirect" not in again and b"Saved" in again.content  # the same answer again: no loop
    assert RiskAlert.objects.count() == 1


def test_an_autosave_redirect_lost_to_the_next_button_still_ends_on_the_crisis_screen(client, personas, phq9):
    client.force_login(personas.bob)
    answer_item(client, phq9, 1, 0)
    autosave = client.post(
        reverse("draft_autosave", args=[Draft.objects.get().pk]), {"f-q9": "1"}, headers={"HX-Request": "true"}
    )
    assert autosave["HX-Redirect"] == reverse("crisis_support") + "?after=save"  # ...but Next was on its way
    assert answer_item(client, phq9, 9, 1).url == reverse("crisis_support")
    assert RiskAlert.objects.count() == 1


def test_a_crisis_screen_served_but_dropped_for_the_next_button_is_shown_again(client, personas, phq9):
    """The browser asked for the screen after the autosave, then dropped it for the client's own Next (a tap a
    moment later): the server rendered it, the client never saw it, so the Next shows it."""
    client.force_login(personas.bob)
    answer_item(client, phq9, 1, 0)
    autosave = client.post(
        reverse("draft_autosave", args=[Draft.objects.get().pk]), {"f-q9": "1"}, headers={"HX-Request": "true"}
    )
    assert client.get(autosave["HX-Redirect"]).status_code == 200  # rendered, never on the screen
    assert answer_item(client, phq9, 9, 1).url == reverse("crisis_support")
    client.get(reverse("crisis_support"))  # the Next's own redirect: nothing can overtake it
    assert answer_item(client, phq9, 9, 1).url != reverse("crisis_support")  # seen: no loop


def test_changing_the_answer_back_keeps_the_alert_and_says_so(client, personas, phq9):
    client.force_login(personas.bob)
    answer_item(client, phq9, 9, 3)
    assert answer_item(client, phq9, 9, 0).url.endswith("?step=9")  # no crisis screen for a 0
    alert = RiskAlert.objects.get()
    assert alert.status == AlertStatus.OPEN and alert.answer_changed_at is not None
    client.force_login(personas.alice)
    page = client.get(reverse("alert_detail", args=[alert.pk])).content.decode()
    assert "Answer changed after alert" in page


def test_the_alert_page_says_what_the_crisis_screen_showed_and_no_plan_when_there_was_none(client, personas, phq9):
    client.force_login(personas.bob)
    answer_item(client, phq9, 9, 1)
    alert = RiskAlert.objects.get()
    client.force_login(personas.alice)
    page = client.get(reverse("alert_detail", args=[alert.pk])).content.decode()
    assert "No showing of the crisis screen has been recorded" in page and "safety plan and" not in page
    client.force_login(personas.bob)
    client.get(reverse("crisis_support"))
    services.safety_plan_save(client=personas.bob.membership, actor=personas.bob, content={"coping": "A walk"})
    client.get(reverse("crisis_support"))  # later showings do not rewrite what was shown the first time
    alert.refresh_from_db()
    assert "Samaritans" in str(alert.shown["lines"]) and alert.shown["plan"] is False
    client.force_login(personas.alice)
    page = client.get(reverse("alert_detail", args=[alert.pk])).content.decode()
    assert "No safety plan yet." in page and "call 116 123" in page.replace("116123", "116 123")


def test_your_therapist_will_see_this_only_while_an_alert_is_open(client, personas):
    client.force_login(personas.bob)
    assert "Your therapist will see this" not in client.get(reverse("crisis_support")).content.decode()
    client.post(reverse("help_request"))
    assert "Your therapist will see this" in client.get(reverse("crisis_support")).content.decode()
    services.alert_resolve(alert=RiskAlert.objects.get(), actor=personas.alice, note="Called; safe.")
    assert "Your therapist will see this" not in client.get(reverse("crisis_support")).content.decode()


# --- The DBT diary card and a therapist's own risk question ------------------------------------------------------


def dbt_urges(client, occurrence, *, urge: int, acted: str):
    url = reverse("occurrence_do", args=[occurrence.pk]) + "?step=0"
    data = {"f-urge_self_harm": str(urge), "f-urge_use": "0", "f-acted_on": acted, "go": "next"}
    return client.post(url, data)


def test_dbt_card_self_harm_urge_5_and_acted_on_it_shows_the_lines_and_raises_one_alert(client, personas):
    occurrence = assign(personas.alice, personas.bob, key="dbt_diary_card").occurrences.first()
    client.force_login(personas.bob)
    assert dbt_urges(client, occurrence, urge=5, acted="yes").url == reverse("crisis_support")
    alert = RiskAlert.objects.get()
    assert alert.source == "dbt_urge" and alert.occurrence == occurrence
    assert [t["label"] for t in alert.trigger] == ["Urge to hurt myself", "Did I act on an urge?"]
    assert dbt_urges(client, occurrence, urge=2, acted="no").url.endswith("?step=1")
    assert RiskAlert.objects.count() == 1


def test_dbt_card_alert_turned_off_for_a_client_still_shows_the_lines(client, personas):
    form = {"risk_alerts": "", "risk_alerts_off_reason": "Chronic urges; reviewed weekly in session."}
    assignment = assign(personas.alice, personas.bob, key="dbt_diary_card")
    client.force_login(personas.alice)
    edit = reverse("assignment_edit", args=[assignment.pk])
    page = client.get(edit).content.decode()
    assert "Alert me when this client gives a risk answer" in page
    data = {**_assign_data(assignment.title), **form, "risk_alerts_off_reason": ""}
    assert "Please give a reason" in client.post(edit, data).content.decode()
    assert client.post(edit, {**_assign_data(assignment.title), **form}).status_code == 302
    assignment.refresh_from_db()
    assert not assignment.risk_alerts and assignment.risk_alerts_off_by == personas.alice
    assert assignment.risk_alerts_off_reason == form["risk_alerts_off_reason"]
    assert "risk alerts off" in client.get(reverse("client_detail", args=[personas.bob.pk])).content.decode()
    client.force_login(personas.bob)
    occurrence = assignment.occurrences.first()
    assert dbt_urges(client, occurrence, urge=5, acted="yes").url == reverse("crisis_support")
    assert not RiskAlert.objects.exists()
    assert "Your therapist will see this" not in client.get(reverse("crisis_support")).content.decode()


def _assign_data(title: str) -> dict:
    return {
        "title": title,
        "instructions": "Once a day.",
        "rationale": "It shows patterns.",
        "minutes": "5",
        "schedule_kind": "daily",
        "start_date": "2026-03-02",
        "formats": ["write"],
        "risk_alerts": "on",
    }


def _builder_post(risk_at: str, kind: str = "rating", **row) -> dict:
    return {
        "name": "Evening check",
        "instructions": "Each evening.",
        "rationale": "Patterns.",
        "minutes": "5",
        "action": "save",
        "fields-TOTAL_FORMS": "1",
        "fields-INITIAL_FORMS": "0",
        "fields-0-type": kind,
        "fields-0-label": "How hopeless do I feel?",
        "fields-0-min": "0",
        "fields-0-max": "10",
        "fields-0-risk": "on",
        "fields-0-risk_at": risk_at,
        "fields-0-order": "1",
        **{f"fields-0-{k}": v for k, v in row.items()},
    }


def test_a_therapist_marked_risk_question_raises_its_alert_the_moment_it_is_answered(client, personas):
    client.force_login(personas.alice)
    response = client.post(reverse("template_new"), _builder_post("8"))
    assert response.status_code == 302, response.content.decode()[:2000]
    version = Template.objects.get(practice=personas.practice).latest_version()
    assert worksheet.risk_fields(version.schema)[0]["risk"] == {"at_least": 8, "alert": "optional"}
    template_id = version.template_id
    page = client.get(reverse("assign", args=[personas.bob.pk, template_id])).content.decode()
    assert "Alert me when this client gives a risk answer" in page
    data = _assign_data("Evening check")
    assert client.post(reverse("assign", args=[personas.bob.pk, template_id]), data).status_code == 302
    occurrence = personas.bob.membership.assignments.get().occurrences.first()
    key = worksheet.risk_fields(version.schema)[0]["key"]
    client.force_login(personas.bob)
    url = reverse("occurrence_do", args=[occurrence.pk]) + "?step=0"
    assert client.post(url, {f"f-{key}": "7", "go": "next"}).url.endswith("?step=outcome")
    assert not RiskAlert.objects.exists()
    assert client.post(url, {f"f-{key}": "9", "go": "next"}).url == reverse("crisis_support")
    alert = RiskAlert.objects.get()
    assert alert.source == "risk_answer" and alert.trigger == [{"label": "How hopeless do I feel?", "answer": "9"}]


@pytest.mark.parametrize(
    ("post", "message"),
    [
        (_builder_post("5", kind="short_text"), "not free text"),
        (_builder_post("11"), "must be on the scale (0 to 10)"),
        (_builder_post("Maybe", kind="single_choice", choices="Yes\nNo"), "one of the choices above"),
        (_builder_post(""), "which answer alerts you"),
    ],
)
def test_a_risk_rule_that_cannot_work_is_refused_clearly_and_nothing_saved(client, personas, post, message):
    client.force_login(personas.alice)
    response = client.post(reverse("template_new"), post)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Template.objects.filter(practice=personas.practice).exists()


def test_the_schema_refuses_a_rule_on_text_or_off_the_scale_and_saves_nothing(personas):
    def field(**risk):
        return {"key": "q", "type": "rating", "label": "Urge", "min": 0, "max": 5, "risk": risk}

    text = {"key": "t", "type": "long_text", "label": "Notes", "risk": {"at_least": 1}}
    bad = [
        {"steps": [{"title": "A", "fields": [text]}]},
        {"steps": [{"title": "A", "fields": [field(at_least=6)]}]},
        {"steps": [{"title": "A", "fields": [field(at_least=-1)]}]},
        {"steps": [{"title": "A", "fields": [field(answers=["x"])]}]},
        {"steps": [{"title": "A", "fields": [field(at_least=3, alert="sometimes")]}]},
    ]
    for schema in bad:
        with pytest.raises(worksheet.SchemaError):
            custom_template_save(
                therapist=personas.alice.membership,
                template=None,
                shared=False,
                name="X",
                instructions="x",
                rationale="x",
                minutes=5,
                formats=["write"],
                schema=schema,
            )
    assert not Template.objects.filter(practice=personas.practice).exists()


def test_a_copied_dbt_card_keeps_its_risk_rules_unless_the_therapist_changes_them(client, personas):
    from carryover.homework.builder import rows_initial
    from carryover.homework.tests.conftest import version_of

    source = version_of("dbt_diary_card")
    post = {"name": "My diary card", "instructions": "Daily.", "rationale": "Patterns.", "minutes": "5"}
    rows = rows_initial(source)
    for index, row in enumerate(rows):
        post.update({f"fields-{index}-{name}": value for name, value in row.items() if value not in (False, None)})
    post.update({"fields-TOTAL_FORMS": str(len(rows)), "fields-INITIAL_FORMS": "0", "action": "save"})
    client.force_login(personas.alice)
    response = client.post(reverse("template_copy", args=[source.template_id]), post)
    assert response.status_code == 302, response.content.decode()[:3000]
    copy = Template.objects.get(practice=personas.practice).latest_version()
    assert worksheet.risk_fields(copy.schema) == worksheet.risk_fields(source.schema)
    urge = next(i for i, row in enumerate(rows) if row["key"] == "urge_self_harm")
    post[f"fields-{urge}-risk_at"] = "3"  # a lower threshold for this client group
    client.post(reverse("template_edit", args=[copy.template_id]), {**post, "based_on": "1"})
    edited = Template.objects.get(practice=personas.practice).latest_version()
    assert worksheet.field_map(edited.schema)["urge_self_harm"]["risk"] == {"at_least": 3, "alert": "optional"}


def test_clients_already_on_an_older_phq9_or_dbt_version_get_the_risk_rules_too(personas):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("carryover.measures.migrations.0003_risk_alert_at_once_and_shown_record")
    for key, field_key in (("phq9", "q9"), ("dbt_diary_card", "urge_self_harm")):
        version = Template.objects.get(key=key, practice__isnull=True).latest_version()
        for step in version.schema["steps"]:  # as stored before this change
            for field in step["fields"]:
                field.pop("risk", None)
        version.save(update_fields=["schema"])
        assert not worksheet.risk_fields(version.schema)
        migration.risk_rules_onto_stored_versions(apps, None)
        version.refresh_from_db()
        assert field_key in {f["key"] for f in worksheet.risk_fields(version.schema)}
