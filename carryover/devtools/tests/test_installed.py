"""The devtools app exists only outside production: production's app list and commands have no demo or benchmark,
so a production install can neither load demo logins nor fail on the dev-only packages the benchmarks import."""

import pytest
from django.conf import settings

from carryover.lib.tests.test_platform import SOUND, run_python

pytestmark = pytest.mark.slow  # Python processes with production and development settings

DEVTOOLS_COMMANDS = {"load_demo", "demo_totp", "bench_review", "bench_reminders", "bench_audit"}
LIST_APPS_AND_COMMANDS = (
    "import django; django.setup(); from django.conf import settings; "
    "from django.core.management import get_commands; "
    "print(sorted(settings.INSTALLED_APPS)); print(sorted(get_commands()))"
)


def test_production_installs_no_devtools_and_has_none_of_its_commands():
    result = run_python(LIST_APPS_AND_COMMANDS, CARRYOVER_ENV="production", **SOUND)
    assert result.returncode == 0, result.stderr[-600:]
    apps, commands = result.stdout.splitlines()
    assert "carryover.devtools" not in apps
    assert "carryover.review" in apps  # the product is all there
    assert not any(f"'{name}'" in commands for name in DEVTOOLS_COMMANDS), commands
    assert "'reminders_clock'" in commands


def test_development_has_the_demo_and_benchmark_commands():
    assert "carryover.devtools" in settings.INSTALLED_APPS
    result = run_python(LIST_APPS_AND_COMMANDS, CARRYOVER_ENV="development")
    assert result.returncode == 0, result.stderr[-600:]
    commands = result.stdout.splitlines()[1]
    assert all(f"'{name}'" in commands for name in DEVTOOLS_COMMANDS), commands


def test_load_demo_in_production_is_an_unknown_command():
    code = "from django.core.management import execute_from_command_line as run; run(['manage.py', 'load_demo'])"
    result = run_python(code, CARRYOVER_ENV="production", **SOUND)
    assert result.returncode != 0
    assert "Unknown command: 'load_demo'" in result.stderr, result.stderr[-600:]
