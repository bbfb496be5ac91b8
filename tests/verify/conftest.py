"""Contexts for the check tests (the git repositories come from tests/conftest.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from migrator.verify.base import CheckContext


@pytest.fixture
def ctx() -> Callable[[Path], CheckContext]:
    """ctx(root) -> the context a check runs with on that tree."""
    return lambda root: CheckContext(root=root, plan_dir=root)


@pytest.fixture
def assert_dead() -> Callable[[int], None]:
    """assert_dead(pid): the process is gone, or a zombie waiting to be reaped."""

    def check(pid: int) -> None:
        for _ in range(50):
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except FileNotFoundError:
                return
            if stat.rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                return
            time.sleep(0.1)
        pytest.fail(f"process {pid} survived")

    return check
