"""`rotate_keys`: after it, the old key can go and every field, session and file still opens; a key missing is a
clear refusal that changes nothing; a run killed half-way and run again finishes the job."""

from __future__ import annotations

import base64
import hashlib
import signal
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.urls import reverse

from carryover.homework.attachments import attachment_read
from carryover.homework.models import Attachment
from carryover.lib.tests.test_serve import ROOT, demo_env, demo_var  # noqa: F401 (demo_var: a fixture)
from carryover.ops.rotation import encrypted_columns

from .test_backup import ADD_FILE_AND_SEAL, manage
from .test_filestore import upload_drawing

OLD, NEW, OTHER = (Fernet.generate_key().decode() for _ in range(3))
# Everything in an encrypted column, read as the app reads it: the plaintext of every value, in a fixed order.
READ_ALL = (
    "from carryover.ops.rotation import encrypted_columns; from carryover.homework.models import Attachment; "
    "from carryover.homework.attachments import attachment_read; import hashlib, json\n"
    "out = [sorted(str(v) for v in m._base_manager.values_list(f.name, flat=True)) for m, c in encrypted_columns() "
    "for f in m._meta.concrete_fields if f.column == c and m.__name__ != 'Session']\n"
    "out.append(sorted(hashlib.sha256(attachment_read(a)).hexdigest() for a in Attachment.objects.all()))\n"
    "print(hashlib.sha256(json.dumps(out).encode()).hexdigest())"
)


def read_everything() -> list:
    values = [
        sorted(str(v) for v in model._base_manager.values_list(item.name, flat=True))
        for model, column in encrypted_columns()
        for item in model._meta.concrete_fields
        if item.column == column and model.__name__ != "Session"
    ]
    return [*values, sorted(attachment_read(a) for a in Attachment.objects.all())]


def test_after_rotation_the_old_key_can_go(client, personas, monday, settings, tmp_path):
    settings.MEDIA_ROOT, settings.FIELD_ENCRYPTION_KEYS = tmp_path, [OLD]
    upload_drawing(client, personas)
    before = read_everything()
    assert any(before[:-1]) and before[-1]
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    call_command("rotate_keys", "--batch-size", "2", stdout=(out := _Out()))
    assert "Done: every value opens with the newest key" in out.text and "files: 1/1" in out.text
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert read_everything() == before
    served = client.get(reverse("attachment_view", args=[Attachment.objects.get().pk]))  # Bob, signed in
    assert served.status_code == 200 and served.content == before[-1][0]
    call_command("rotate_keys", stdout=(again := _Out()))
    assert "Rotated 0;" in again.text


def test_a_missing_key_is_named_and_nothing_changes(client, personas, monday, settings, tmp_path):
    settings.MEDIA_ROOT, settings.FIELD_ENCRYPTION_KEYS = tmp_path, [OLD]
    upload_drawing(client, personas)
    before = read_everything()
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OTHER]  # OLD, which wrote everything, is missing
    with pytest.raises(CommandError, match="could not be opened with any key .* The key that wrote them is missing"):
        call_command("rotate_keys", stdout=_Out())
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    assert read_everything() == before
    settings.FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(CommandError, match="FIELD_ENCRYPTION_KEYS is not set"):
        call_command("rotate_keys", stdout=_Out())


@pytest.mark.slow
def test_a_run_killed_half_way_finishes_when_run_again(tmp_path, demo_var):  # noqa: F811
    import shutil

    shutil.copytree(demo_var, tmp_path, dirs_exist_ok=True)
    env = demo_env(tmp_path)
    manage(env, "shell", "-c", ADD_FILE_AND_SEAL)
    before = manage(env, "shell", "-c", READ_ALL).stdout
    # The demo was written under the development key (derived from SECRET_KEY); name it so it can be retired.
    secret = b"carryover-development-only-secret-key-never-use-in-production"
    dev_key = base64.urlsafe_b64encode(hashlib.sha256(b"carryover-field-encryption:" + secret).digest()).decode()
    env["FIELD_ENCRYPTION_KEYS"] = f"{NEW},{dev_key}"
    run = subprocess.Popen(
        [sys.executable, "manage.py", "rotate_keys", "--batch-size", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    for line in run.stdout:  # type: ignore[union-attr]
        if "homework." in line:  # well into the work: kill it mid-way, as a crash or an OOM kill would
            run.send_signal(signal.SIGKILL)
            break
    run.wait(timeout=60)
    assert run.returncode == -signal.SIGKILL
    finished = manage(env, "rotate_keys").stdout
    assert "were already under the newest key" in finished and "Done:" in finished
    env["FIELD_ENCRYPTION_KEYS"] = NEW
    assert manage(env, "shell", "-c", READ_ALL).stdout == before
    assert "Rotated 0;" in manage(env, "rotate_keys").stdout


class _Out:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass
