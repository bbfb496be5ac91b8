"""Fixtures for the fault-injection suite: the engine tests' tiny app, plan folder and
test-only kinds (tests/engine/engine_fixtures.py); the helpers live in `fault_helpers`."""

from __future__ import annotations

import sys
from pathlib import Path

ENGINE_TESTS = Path(__file__).resolve().parent.parent / "engine"
if str(ENGINE_TESTS) not in sys.path:
    sys.path.insert(0, str(ENGINE_TESTS))

from engine_fixtures import app_repo, engine_test_kinds, plans

__all__ = ["app_repo", "engine_test_kinds", "plans"]
