from carryover.homework.tests.conftest import monday  # noqa: F401  (Monday 2 March 2026, 09:00 London)
