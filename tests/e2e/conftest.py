"""The seed's world for the end-to-end tests, laid out once per module.

`world` is `migrate demo`'s layout (`ModernAppTemplate/backend`, tagged, and
`ElectronicsInventory/backend`). `fresh_app(name)` adds another copy of the fixture app at
`<root>/<name>/backend`, so the plan's `copier.src: ../../ModernAppTemplate/backend` finds
the same, read-only template repository from every copy.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent
if str(TESTS) not in sys.path:  # tests/: the shared tree fingerprints (treehash)
    sys.path.insert(0, str(TESTS))

from migrator import demo


@pytest.fixture(scope="session")
def sources() -> demo.Sources:
    return demo.Sources.bundled()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sources: demo.Sources) -> demo.World:
    return demo.lay_out(tmp_path_factory.mktemp("world"), sources, fresh=False)


@pytest.fixture(scope="module")
def fresh_app(world: demo.World, sources: demo.Sources) -> Callable[[str], Path]:
    """A new git repo of the fixture app beside the shared template repo."""

    def make(name: str) -> Path:
        app = world.root / name / "backend"
        demo.publish(sources.fixture, app, "Electronics Inventory backend before the migration")
        return app

    return make
