"""Contexts for the step tests (the git repositories come from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from migrator.steps.base import StepContext


@pytest.fixture
def make_ctx(tmp_path: Path) -> Callable[..., StepContext]:
    def make(root: Path, **kwargs: object) -> StepContext:
        plan_dir = kwargs.pop("plan_dir", tmp_path / "plan")
        return StepContext(root=root, plan_dir=plan_dir, target=root, **kwargs)  # type: ignore[arg-type]

    return make
