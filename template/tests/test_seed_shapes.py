"""The seed plan's after-migration shapes of config, container, create_app and run.py work.

A copy of the full project gets the app files as the seed's Phase 2 writes them
(``seed_shapes/``); its own tests plus ``seed_shapes_test.py`` then run in a
fresh interpreter, and ruff checks the result.
"""

import shutil
import subprocess
import sys
from pathlib import Path

SHAPES = Path(__file__).with_name("seed_shapes")


def test_seed_shapes_run_on_the_rendered_common(full_project: Path, tmp_path: Path) -> None:
    project = tmp_path / "migrated"
    shutil.copytree(full_project, project, ignore=shutil.ignore_patterns("__pycache__", ".mypy*"))
    shutil.copy(SHAPES / "config.py", project / "app" / "config.py")
    shutil.copy(SHAPES / "container.py", project / "app" / "container.py")
    shutil.copy(SHAPES / "__init__.py", project / "app" / "__init__.py")
    shutil.copy(SHAPES / "run.py", project / "run.py")
    shutil.copy(SHAPES / "seed_shapes_test.py", project / "tests" / "test_seed_shapes.py")

    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "tests"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "PASSED tests/test_seed_shapes.py::test_container_overrides_resolve" in tests.stdout
    assert "PASSED tests/test_seed_shapes.py::test_endpoints" in tests.stdout

    ruff = subprocess.run(
        [str(Path(sys.executable).parent / "ruff"), "check", "--no-cache", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout
