"""The deployment files (docs/deploy.md) run only what exists: these machines have no container daemon or systemd
to try them on, so every command, module and setting they name is checked against the project instead."""

from __future__ import annotations

import importlib
import re

import pytest
from django.core.management import get_commands

from carryover.lib.tests.test_serve import ROOT

FILES = [
    ROOT / "Dockerfile",
    ROOT / "compose.yaml",
    *sorted((ROOT / "deploy").rglob("*")),
    ROOT / "docs" / "deploy.md",
]


def text_of_all() -> str:
    return "\n".join(path.read_text() for path in FILES if path.is_file())


def test_the_deployment_files_exist():
    names = {path.name for path in FILES}
    assert {"Dockerfile", "compose.yaml", "Caddyfile", "nginx.conf", "deploy.md", "carryover.env.example"} <= names
    units = {p.name for p in (ROOT / "deploy" / "systemd").iterdir()}
    assert {
        "carryover-web.service",
        "carryover-worker.service",
        "carryover-reminders-clock.service",
        "carryover-audit-clock.service",
    } <= units


def test_every_manage_py_command_they_run_exists():
    named = set(re.findall(r"manage\.py\s+([a-z_]+)", text_of_all()))
    assert {"migrate", "db_worker", "reminders_clock", "audit_clock", "backup", "restore", "rotate_keys"} <= named
    assert sorted(named - set(get_commands())) == []


@pytest.mark.parametrize("pattern", [r"gunicorn\"?,?\s+\"?([a-z_.]+\.wsgi)", r"--logger-class\"?,?\s+\"?([\w.]+)"])
def test_every_module_and_class_they_name_imports(pattern):
    named = set(re.findall(pattern, text_of_all()))
    assert named
    for dotted in named:
        module, _, attribute = dotted.rpartition(".")
        if dotted.endswith(".wsgi"):
            importlib.import_module(dotted)
        else:
            assert hasattr(importlib.import_module(module), attribute), dotted


def test_every_setting_in_the_example_environment_is_read_by_the_app():
    example = (ROOT / "deploy" / "carryover.env.example").read_text()
    names = re.findall(r"^([A-Z_0-9]+)=", example, re.M)
    code = (ROOT / "carryover" / "settings.py").read_text() + (ROOT / "bin" / "serve.py").read_text()
    code += (ROOT / "carryover" / "ops" / "metrics.py").read_text()
    assert sorted(name for name in names if f'"{name}"' not in code) == []


def test_the_files_they_copy_or_mount_exist():
    docker = (ROOT / "Dockerfile").read_text()
    for source in re.findall(r"^COPY (.+) \S+$", docker, re.M):
        for name in source.split():
            assert (ROOT / name).exists(), name
    for mounted in re.findall(r"- \./([^:\s]+):", (ROOT / "compose.yaml").read_text()):
        assert (ROOT / mounted).exists(), mounted


def test_gunicorn_keeps_connections_open_longer_than_the_proxies():
    """A proxy reusing an upstream connection gunicorn has just closed loses the request (docs/deploy.md,
    "Keep-alive between the proxy and gunicorn"): every gunicorn behind a proxy outlasts the proxies' idle timeout."""
    runners = [ROOT / "Dockerfile", ROOT / "compose.yaml", ROOT / "deploy" / "systemd" / "carryover-web.service"]
    keep_alive = [re.findall(r"--keep-alive\"?,?\s+\"?(\d+)", path.read_text()) for path in runners]
    assert all(keep_alive), "every gunicorn command line sets --keep-alive"
    nginx = re.findall(r"keepalive_timeout\s+(\d+)s;", (ROOT / "deploy" / "nginx.conf").read_text())
    caddy = [
        re.findall(r"keepalive\s+(\d+)s", (ROOT / "deploy" / name).read_text())
        for name in ("Caddyfile", "Caddyfile.compose")
    ]
    proxy_idle = [int(s) for s in nginx + [s for found in caddy for s in found]]
    assert nginx and all(caddy)
    assert min(int(s) for found in keep_alive for s in found) > max(proxy_idle)
