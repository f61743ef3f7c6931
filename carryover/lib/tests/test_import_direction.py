"""The import direction written in docs/ARCHITECTURE.md is the one `lint-imports` enforces, and the code keeps it."""

import re
import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[3]


def contract(contract_id: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return next(c for c in config["contracts"] if c["id"] == contract_id)


def test_the_documented_layers_are_the_enforced_ones():
    written = re.search(r"```layers\n(.*?)```", (ROOT / "docs" / "ARCHITECTURE.md").read_text(), re.S)
    assert written is not None, "docs/ARCHITECTURE.md lost its ```layers block"
    assert written.group(1).splitlines() == contract("layers")["layers"]


def test_every_app_is_in_a_layer():
    apps = {path.parent.name for path in (ROOT / "carryover").glob("*/apps.py")}
    layered = {app for line in contract("layers")["layers"] for app in re.split(r"\s*[|:]\s*", line)}
    assert layered == apps


def test_the_code_keeps_the_import_direction(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert (
        lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0
    )  # its report of a broken contract is printed above
