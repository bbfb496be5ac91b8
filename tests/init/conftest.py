"""Fixtures of the `migrate init` tests: the mini template and the apps (init_apps.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from init_apps import BASE_APP, TEMPLATE_FILES


@pytest.fixture(scope="session")
def mini_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template as a plain folder (never written after this)."""
    root = tmp_path_factory.mktemp("templates") / "mini"
    for rel, content in TEMPLATE_FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_app(tmp_path: Path, make_repo: Callable[..., Path]) -> Callable[..., Path]:
    """make_app(changes, remove=()) -> BASE_APP with `changes`, as a git repo at
    <tmp>/orders/backend (so the pyproject name's `-backend` repeats the folder)."""

    def make(changes: dict[str, str] | None = None, remove: tuple[str, ...] = ()) -> Path:
        files = {k: v for k, v in {**BASE_APP, **(changes or {})}.items() if k not in remove}
        return make_repo(tmp_path / "orders" / "backend", files)

    return make
