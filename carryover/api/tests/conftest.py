"""The API tests' clock: Monday 2 March 2026, 09:00 in London (the personas' time zone), as homework's tests."""

import pytest
import time_machine


@pytest.fixture
def monday():
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        yield clock
