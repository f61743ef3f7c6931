"""Through a real browser: the demo client Sam, on a phone, asks for his data from his account page, the real worker
builds it, the emailed link downloads the zip once (a second use is refused), and he closes his account; then his
therapist, on a desktop, sees the closure on the client's records page and places a legal hold. Each page is scanned
by axe-core; any CSP complaint fails the test."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from carryover.accounts.models import User
from carryover.devtools.tests.browser import demo_client_on_phone, demo_therapist_on_desktop
from carryover.records.models import Closure

pytestmark = pytest.mark.browser


def test_the_demo_client_downloads_their_data_and_closes_their_account(live_server, new_page, axe_check):
    phone = demo_client_on_phone(new_page)
    phone.goto("/profile/")
    phone.get_by_role("link", name="Download your data, or close your account").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your data")
    axe_check(phone, "records-01-my-data")

    mail.outbox.clear()
    phone.get_by_role("button", name="Download my data").click()
    expect(phone.get_by_role("status")).to_contain_text("We're preparing your download")
    expect(phone.get_by_text(re.compile(r": Being prepared"))).to_be_visible()
    axe_check(phone, "records-02-preparing")
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    (message,) = mail.outbox
    link = re.search(r"/downloads/\S+/", message.body).group(0)
    download = phone.request.get(link)  # the signed-in phone's own cookies
    assert download.status == 200 and download.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(download.body())).namelist()
    assert {"export.json", "booklet.html", "booklet.pdf"} <= set(names)
    assert phone.request.get(link).status == 404  # single use
    phone.reload()
    expect(phone.get_by_text(re.compile(r": Downloaded"))).to_be_visible()

    phone.get_by_label("I want to close my account").check()
    phone.get_by_role("button", name="Close my account").click()
    expect(phone.get_by_text("Your account is closed. Your therapist has been told. Take care.")).to_be_visible()
    axe_check(phone, "records-03-closed")
    sam = User.objects.get(email="client@example.org")
    assert Closure.objects.filter(client__user=sam).exists() and not User.objects.get(pk=sam.pk).is_active

    page = demo_therapist_on_desktop(new_page)
    page.goto(f"/clients/{sam.pk}/records/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record of Sam Taylor")
    expect(page.get_by_text(re.compile(r"closed their account on"))).to_be_visible()
    axe_check(page, "records-04-therapist-record")
    page.get_by_label("Place a legal hold (stops erasure until lifted)").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Say why the record is held")).to_be_visible()  # a clear message, nothing saved
    axe_check(page, "records-05-hold-needs-a-reason")
    page.get_by_label("Reason").fill("Records request from court")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("A legal hold stops erasure: Records request from court.")).to_be_visible()
    axe_check(page, "records-06-held")
    assert Closure.objects.get(client__user=sam).hold
