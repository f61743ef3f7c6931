"""The API tests' clock: Monday 2 March 2026, 09:00 in London (the personas' time zone), as homework's tests."""

import pytest
import time_machine

# The site-wide matrix's personas and state, built once per module (test_api_matrix.py).
from carryover.accounts.tests.test_access_matrix import world, world_once  # noqa: F401


@pytest.fixture
def monday():
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        yield clock
