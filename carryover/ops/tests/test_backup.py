"""`backup` and `restore` on the demo, as an operator runs them (each a real `manage.py` process): the restored copy
has the same data, files and verified audit chain, and its pages (the client's Today, the therapist's client page,
summary and timeline) read the same; an altered archive, a non-empty target and a full disk are
refused with a clear message and nothing half-written."""

from __future__ import annotations

import base64
import difflib
import hashlib
import io
import json
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from carryover.lib.tests.test_serve import ROOT, demo_env, demo_var  # noqa: F401 (demo_var: a fixture)

pytestmark = pytest.mark.slow  # migrates, loads the demo and runs the commands in subprocesses

ADD_FILE_AND_SEAL = (
    "from carryover.homework.models import Draft; from carryover.homework.attachments import attachment_store; "
    "from carryover.homework.tests.media_samples import image; from carryover.audit.services import audit_seal; "
    "attachment_store(draft=Draft.objects.first(), field_key='drawing', field_type='drawing', data=image('PNG')); "
    "audit_seal()"
)


def manage(env: dict, *args: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, **kwargs
    )
    assert result.returncode == 0 or not check, result.stderr[-3000:]
    return result


def fingerprint(env: dict, var_dir: Path) -> tuple[str, dict[str, str], str]:
    """Every row (encrypted fields as the app reads them), every stored file's bytes, and the audit verification."""
    data = manage(env, "dumpdata", "--indent", "0").stdout
    files = {
        str(path.relative_to(var_dir)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((var_dir / "private").rglob("*"))
        if path.is_file()
    }
    return data, files, manage(env, "verify_audit").stdout


# Each page as the demo's people see it, rendered by the app in a process of its own (JSON: url -> status, html).
PAGES = (
    "import json; from django.test import Client; from django.urls import reverse\n"
    "from carryover.accounts.models import User\n"
    "therapist, client = (User.objects.get(email=f'{who}@example.org') for who in ('therapist', 'client'))\n"
    "views = {client: [reverse('client_home')], therapist: [reverse(name, args=[client.pk]) for name in "
    "('client_detail', 'client_summary', 'client_timeline')]}\n"
    "pages = {}\n"
    "for person, urls in views.items():\n"
    "    browser = Client(); browser.force_login(person)\n"
    "    for url in urls:\n"
    "        response = browser.get(url); pages[url] = [response.status_code, response.content.decode()]\n"
    "print(json.dumps(pages))"
)
SVG = re.compile(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def rendered_pages(env: dict) -> dict[str, tuple[int, str]]:
    """The pages, less what differs on every rendering: CSRF tokens, nonces, and the random ids inside charts."""
    pages = json.loads(manage(env, "shell", "-c", PAGES).stdout.strip().splitlines()[-1])
    normal = {}
    for url, (status, html) in pages.items():
        html = SVG.sub(lambda found: "data:image/svg+xml," + base64.b64decode(found.group(1)).decode(), html)
        html = re.sub(r'(csrfmiddlewaretoken" value|csrf-token" content|nonce)="[^"]*"', r'\1=""', html)
        normal[url] = (status, UUID.sub("<uuid>", html))
    return normal


@pytest.fixture
def demo(tmp_path, demo_var):  # noqa: F811
    source = tmp_path / "source"
    shutil.copytree(demo_var, source)
    env = demo_env(source)
    manage(env, "shell", "-c", ADD_FILE_AND_SEAL)
    return source, env


def test_round_trip_restores_the_same_data_files_and_audit_chain(tmp_path, demo):
    source, env = demo
    before = fingerprint(env, source)
    assert before[1] and "chain intact" in before[2]
    archive = tmp_path / "backup.tar"
    assert "1 files" in manage(env, "backup", str(archive)).stdout
    target = tmp_path / "target"
    target.mkdir()
    restored_env = demo_env(target)
    out = manage(restored_env, "restore", str(archive)).stdout
    assert "Restored 1 files; audit chain verified" in out
    assert fingerprint(restored_env, target) == before
    # The keys are not in the archive: neither SECRET_KEY nor the keys derived from it.
    content = archive.read_bytes()
    secret = b"carryover-development-only-secret-key-never-use-in-production"
    field_key = base64.urlsafe_b64encode(hashlib.sha256(b"carryover-field-encryption:" + secret).digest())
    for key in (secret, field_key, hashlib.sha256(b"carryover-audit-chain:" + secret).hexdigest().encode()):
        assert key not in content
    # A second restore onto what is now a non-empty database is refused, and changes nothing.
    again = manage(restored_env, "restore", str(archive), check=False)
    assert again.returncode != 0 and "The database is not empty" in again.stderr
    assert fingerprint(restored_env, target) == before
    same_pages(env, restored_env)  # last: rendering writes (audit events of the reads)


def same_pages(env: dict, restored_env: dict) -> None:
    """The original and the restored copy, each from the state the backup holds, render the same pages."""
    pages = rendered_pages(env)
    assert len(pages) == 4 and all(status == 200 for status, _ in pages.values())
    assert "Sam" in pages[next(iter(pages))][1]  # the client's own Today, not a sign-in page
    restored = rendered_pages(restored_env)
    for url, (status, html) in pages.items():
        difference = difflib.unified_diff(html.splitlines(), restored[url][1].splitlines(), lineterm="", n=1)
        assert restored[url] == (status, html), f"{url} differs after the restore:\n" + "\n".join(difference)


def tampered(archive: Path, output: Path) -> None:
    """The same archive with one byte of the database changed (its manifest untouched)."""
    with tarfile.open(archive) as source, tarfile.open(output, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("database."):
                data = data[:-1] + bytes([data[-1] ^ 1])
            target.addfile(member, io.BytesIO(data))


def test_an_altered_archive_is_refused_before_anything_is_written(tmp_path, demo):
    source, env = demo
    archive, altered = tmp_path / "backup.tar", tmp_path / "altered.tar"
    manage(env, "backup", str(archive))
    tampered(archive, altered)
    target = tmp_path / "target"
    target.mkdir()
    result = manage(demo_env(target), "restore", str(altered), check=False)
    assert result.returncode != 0 and "altered or was not made by this installation" in result.stderr
    with sqlite3.connect(target / "carryover.sqlite3") as db:
        assert db.execute("SELECT name FROM sqlite_master").fetchall() == []
    assert not (target / "private").exists() or not any((target / "private").rglob("*.bin"))


def test_a_full_disk_during_backup_leaves_no_archive(tmp_path, demo):
    source, env = demo
    archive = tmp_path / "backup.tar"

    def small_disk():  # files this process writes may not grow past 64 KB: the demo's database does not fit
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    result = manage(env, "backup", str(archive), check=False, preexec_fn=small_disk)
    assert result.returncode != 0 and "The backup could not be written (" in result.stderr
    assert "no archive was kept" in result.stderr and "Traceback" not in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["source"]  # no archive, no partial, no temp folder
    assert manage(env, "check").returncode == 0  # the installation itself is untouched


def test_round_trip_on_postgresql(tmp_path, postgres_databases):
    source, target = tmp_path / "source", tmp_path / "target"
    env = {**demo_env(source), "DATABASE_URL": postgres_databases()}
    restored_env = {**demo_env(target), "DATABASE_URL": postgres_databases()}
    for command in (["migrate", "--noinput", "-v", "0"], ["load_demo"], ["shell", "-c", ADD_FILE_AND_SEAL]):
        manage(env, *command)
    before = fingerprint(env, source)
    archive = tmp_path / "backup.tar"
    manage(env, "backup", str(archive))
    assert "audit chain verified" in manage(restored_env, "restore", str(archive)).stdout
    assert fingerprint(restored_env, target) == before
    again = manage(restored_env, "restore", str(archive), check=False)
    assert again.returncode != 0 and "The database is not empty" in again.stderr
    same_pages(env, restored_env)
