import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from carryover.accounts.models import CareLink, CrisisResource, Membership, User
from carryover.devtools.demo import load_demo


def test_terminology_is_used_across_the_interface(client, personas):
    client.force_login(personas.bob)
    assert b"Your activities will appear here" in client.get(reverse("client_home")).content
    client.force_login(personas.admin)
    response = client.post(
        reverse("practice_settings"),
        {"name": "Harbour Practice", "country": "GB", "terminology": "homework", "terms": personas.practice.terms},
    )
    assert response.status_code == 302
    client.force_login(personas.bob)
    assert b"Your homework will appear here" in client.get(reverse("client_home")).content
    client.force_login(personas.alice)
    assert b"No homework assigned yet" in client.get(reverse("client_detail", args=[personas.bob.pk])).content
    client.force_login(personas.charlie)  # another practice keeps its own word
    assert b"No activities assigned yet" in client.get(reverse("client_detail", args=[personas.dana.pk])).content


def test_changing_terms_creates_a_new_version(client, personas):
    client.force_login(personas.admin)
    data = {"name": "Harbour Practice", "country": "GB", "terminology": "activities", "terms": "New terms."}
    client.post(reverse("practice_settings"), data)
    personas.practice.refresh_from_db()
    assert personas.practice.terms_version == 2


def test_practice_settings_errors_keep_input(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("practice_settings"), {"name": "", "country": "FR", "terminology": "chores", "terms": "Keep these"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "This field is required" in content and "Select a valid choice" in content
    assert "Keep these" in content


def test_admin_edits_crisis_resources_and_clients_see_them(client, personas):
    client.force_login(personas.admin)
    resources = list(personas.practice.crisis_resources.all())
    data = {"form-TOTAL_FORMS": len(resources) + 1, "form-INITIAL_FORMS": len(resources), "form-MAX_NUM_FORMS": 20}
    for i, r in enumerate(resources):
        data.update(
            {
                f"form-{i}-id": r.pk,
                f"form-{i}-name": r.name,
                f"form-{i}-how": r.how,
                f"form-{i}-phone": r.phone,
                f"form-{i}-sms": r.sms,
                f"form-{i}-url": r.url,
                f"form-{i}-last_verified": "2026-11-01",
                f"form-{i}-position": i,
            }
        )
    n = len(resources)
    data.update(
        {
            f"form-{n}-name": "Harbour out-of-hours line",
            f"form-{n}-how": "Call 01234 567890, evenings and weekends.",
            f"form-{n}-phone": "01234567890",
            f"form-{n}-last_verified": "2026-11-20",
            f"form-{n}-position": 9,
        }
    )
    response = client.post(reverse("practice_crisis_resources"), data)
    assert response.status_code == 302, response.content.decode()
    client.force_login(personas.bob)
    page = client.get(reverse("help")).content.decode()
    assert "Harbour out-of-hours line" in page and "20 Nov 2026" in page
    assert not CrisisResource.objects.filter(practice=personas.other_practice, name__contains="Harbour").exists()


@pytest.mark.slow  # loads the whole demo (devtools/tests/test_demo.py covers it in make test)
def test_demo_data_loads_once_and_twice_changes_nothing(db):
    load_demo()
    counts = (User.objects.count(), Membership.objects.count(), CareLink.objects.count())
    assert load_demo() == []
    assert (User.objects.count(), Membership.objects.count(), CareLink.objects.count()) == counts
    therapist = User.objects.get(email="therapist@example.org")
    assert therapist.check_password("carryover-demo")
    assert therapist.authenticator_set.filter(type="totp").exists()
    assert not User.objects.get(email="client@example.org").authenticator_set.exists()


def test_demo_data_is_refused_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never loaded in production"):
        call_command("load_demo")
    assert not User.objects.exists()


def test_profile_time_zone_is_editable(client, personas):
    client.force_login(personas.bob)
    response = client.post(reverse("profile"), {"name": "Bobby", "time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    personas.bob.refresh_from_db()
    assert (personas.bob.name, personas.bob.time_zone) == ("Bobby", "Asia/Tokyo")
    response = client.post(reverse("profile"), {"name": "Bob", "time_zone": "Mars/Olympus"})
    assert b"Select a valid choice" in response.content
