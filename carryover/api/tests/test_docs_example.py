"""The Python example in docs/api.md runs as written against a live server: it lists the caseload, assigns a
thought record, reads the summary, and its `verify` accepts a real webhook delivery's signature."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from carryover.api import webhooks
from carryover.homework.models import Assignment
from carryover.homework.services import builtin_sync

from .helpers import token_for
from .receiver import Receiver

pytestmark = pytest.mark.slow
DOCS = Path(settings.BASE_DIR) / "docs" / "api.md"


def example() -> str:
    return re.search(r"## A Python example\n\n```python\n(.*?)```", DOCS.read_text(), re.S).group(1)


def test_the_python_example_works_as_written(live_server, personas, monkeypatch, capsys):
    builtin_sync()  # an earlier live-server test's flush may have emptied the library
    monkeypatch.setenv("CARRYOVER_TOKEN", token_for(personas.alice))
    code = example().replace("https://carryover.example.org", live_server.url)
    receiver = Receiver()
    try:
        from carryover.api.models import WebhookEndpoint

        endpoint = WebhookEndpoint.objects.create(
            practice=personas.practice, url=receiver.url, secret=webhooks.new_secret(), events=["assignment.changed"]
        )
        namespace: dict = {}
        exec(compile(code, str(DOCS), "exec"), namespace)  # noqa: S102 (our own document)
        assert "errors" not in capsys.readouterr().out
        made = Assignment.objects.get(template_version__template__key="thought_record_7")
        assert made.weekdays == [0, 2, 4] and namespace["summary"]["client_id"] == made.client.user_id
        webhooks.deliver_due()
        headers, body = receiver.received[0]
        assert namespace["verify"](endpoint.secret, {k.lower(): v for k, v in headers.items()}, body)
        assert not namespace["verify"](webhooks.new_secret(), {k.lower(): v for k, v in headers.items()}, body)
    finally:
        receiver.close()
