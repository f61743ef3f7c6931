"""The access matrices' world (accounts/tests/test_access_matrix.py, api/tests/test_api_matrix.py, the bad-input
sweep): the personas, Bob's homework state and each persona's signed-in session, built once per module inside
`module_transaction` (carryover/conftest.py). A plugin of the root conftest, so every app's tests can ask for it."""

from __future__ import annotations

import copy

import pytest

from carryover.accounts.tests.test_access_matrix import World, world_of
from carryover.conftest import build_personas


@pytest.fixture(scope="module")
def matrix_world_once(module_transaction) -> World:
    return world_of(build_personas())


@pytest.fixture
def matrix_world(matrix_world_once, db) -> World:
    """The module's world: its rows as the module built them (each test's changes are rolled back), and each test
    its own copy of the objects."""
    return copy.deepcopy(matrix_world_once)
