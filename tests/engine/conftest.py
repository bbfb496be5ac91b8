"""Fixtures for the engine tests (defined in `engine_fixtures`); the helpers live in
`engine_helpers`."""

from __future__ import annotations

from engine_fixtures import app_repo, engine_test_kinds, plans

__all__ = ["app_repo", "engine_test_kinds", "plans"]
