"""Fixtures shared by the engine tests and the fault-injection suite (each folder's conftest
imports them): the test-only kinds, a tiny app, a folder for plans."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_helpers import make_app
from engine_kinds import registered


@pytest.fixture(autouse=True)
def engine_test_kinds() -> Iterator[None]:
    """The test-only step/check kinds and codemods, registered for this test only."""
    with registered():
        yield


@pytest.fixture
def app_repo(tmp_path: Path) -> Path:
    return make_app(tmp_path / "app")


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    return folder
