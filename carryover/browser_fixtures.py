"""Browser-test fixtures: Debian's chromium driven by Playwright, with accessibility and CSP checks per page.

Registered from `carryover/conftest.py` through `pytest_plugins`. Tests that use these are marked `browser`
and run with `make test-browser`; they need `/usr/bin/chromium` (installed by `.ci/run` when missing).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# No sandbox: CI runs as root in a container. The rest stop chromium from phoning home (there is no network
# beyond the test server, and a hung background request only slows every launch down).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
DOCS = Path(__file__).resolve().parent.parent / "docs"
BLOCKING_IMPACTS = {"serious", "critical"}
CSP_MESSAGE = re.compile(r"content[- ]security[- ]policy", re.IGNORECASE)

PageFactory = Callable[..., Any]
AxeCheck = Callable[[Any, str], None]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test item so fixtures can tell whether the test failed.
    report = yield
    setattr(item, f"_browser_report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) or run .ci/run"
        if _in_ci():
            pytest.fail(f"Browser tests cannot run in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    # Artefacts describe this run only: a stale FAILED-*.png from an earlier run would mislead.
    for stale in SCREENSHOTS.glob("*.png"):
        stale.unlink()
    # Playwright's sync API keeps an asyncio loop running on this thread, which makes Django refuse ORM calls
    # from the test body ("you cannot call this from an async context"). The calls really are synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def csp_violations() -> list[str]:
    """Every Content-Security-Policy complaint chromium printed to a page's console during this test."""
    return []


@pytest.fixture
def new_page(browser, live_server, csp_violations, request) -> Iterator[PageFactory]:
    """Opens a page in a fresh browser context (its own cookies: one per person), relative to the live server.

    Keyword arguments go to `browser.new_context`, e.g. a phone's viewport, `is_mobile` and `has_touch`.
    """
    contexts = []

    def open_page(**context_options: Any) -> Any:
        context = browser.new_context(base_url=live_server.url, **context_options)
        contexts.append(context)

        def on_console(message: Any) -> None:
            if CSP_MESSAGE.search(message.text):
                csp_violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

        context.on("console", on_console)
        return context.new_page()

    yield open_page

    failed = getattr(request.node, "_browser_report_call", None)
    for number, context in enumerate(contexts, start=1):
        if failed is not None and failed.failed:
            # What each person was looking at when the test failed, beside the per-step screenshots.
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            for page in context.pages:
                page.screenshot(path=SCREENSHOTS / f"FAILED-{request.node.name}-{number}.png", full_page=True)
        context.close()
    assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(csp_violations)


def _axe_checker(csp_violations: list[str], *, every_impact: bool) -> AxeCheck:
    from axe_playwright_python.base import AxeResults
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page: Any, name: str) -> None:
        page.wait_for_load_state("load")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
        options: dict[str, Any] = {"resultTypes": ["violations"]}
        if every_impact:  # axe's experimental rules are off by default: turn each one on
            page.evaluate(axe.axe_script)
            experimental = page.evaluate("axe.getRules(['experimental']).map(rule => rule.ruleId)")
            options["rules"] = {rule: {"enabled": True} for rule in experimental}
        results = axe.run(page, options=options)
        impacts = None if every_impact else BLOCKING_IMPACTS
        blocking = [v for v in results.response["violations"] if impacts is None or v.get("impact") in impacts]
        report = AxeResults({"violations": blocking}).generate_report()
        assert not blocking, f"axe-core on {name} ({page.url}):\n{report}"
        assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(csp_violations)

    return check


@pytest.fixture
def docs_screenshot() -> Callable[[Any, str], None]:
    """`docs_screenshot(page, "today-phone.png")`: with DOCS_SCREENSHOTS=1 (`make screenshots`), the README's
    picture of this page is taken again from the test that shows it, so it stays current."""

    def take(page: Any, name: str) -> None:
        if os.environ.get("DOCS_SCREENSHOTS", "").strip().lower() in {"1", "true", "yes"}:
            page.screenshot(path=DOCS / name)

    return take


@pytest.fixture
def axe_check(csp_violations) -> AxeCheck:
    """Screenshots the page to test-artifacts/screenshots/<name>.png and fails on any serious or critical
    accessibility violation axe-core finds, or on any CSP violation seen so far."""
    return _axe_checker(csp_violations, every_impact=False)


@pytest.fixture
def axe_strict(csp_violations) -> AxeCheck:
    """As `axe_check`, but fails on a violation of any impact (minor and moderate too), with axe's experimental
    rules turned on as well."""
    return _axe_checker(csp_violations, every_impact=True)
