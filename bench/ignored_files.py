"""What saving ignored files costs: a run on an app with a virtualenv inside it.

    .venv/bin/python bench/ignored_files.py

Builds a tiny app (a git repository) twice: bare, and with an ignored `.venv/` holding a
copy of this interpreter's installed packages (thousands of files). On each, times
`apply --no-verify` of two plans, then `rollback`:

- announced: a `write` step (saves only the ignored files it overwrites: none here);
- anywhere: a `command` step (may write anywhere: every ignored file is saved into the
  checkpoint's store before it runs).

Prints the times and the ratios against the bare app.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import time
from pathlib import Path

from migrator import engine

PLANS = {
    "announced": "  - write: {path: app/extra.py, from: extra.py}\n",
    "anywhere": f"  - command: ['{sys.executable}', -c, \"open('app/extra.py', 'w').write('X = 1')\"]\n",
}


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=b", "-c", "user.email=b@b", *args], cwd=cwd,
                   check=True, capture_output=True)


def _app(root: Path, with_venv: bool) -> tuple[Path, int]:
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / ".gitignore").write_text(".venv/\n")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "app")
    files = 0
    if with_venv:
        packages = Path(sysconfig.get_paths()["purelib"])
        shutil.copytree(packages, root / ".venv" / "lib",
                        ignore=shutil.ignore_patterns("__pycache__"), symlinks=True)
        files = sum(1 for p in (root / ".venv").rglob("*") if p.is_file())
    return root, files


def _time(plan: Path, app: Path) -> tuple[float, float]:
    start = time.monotonic()
    engine.apply(plan, app, verify=False)
    applied = time.monotonic() - start
    start = time.monotonic()
    engine.rollback(app)
    return applied, time.monotonic() - start


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-ignored-") as folder:
        base = Path(folder)
        plans = base / "plans"
        plans.mkdir()
        (plans / "extra.py").write_text("X = 1\n")
        paths = {}
        for name, step in PLANS.items():
            paths[name] = plans / f"{name}.yaml"
            paths[name].write_text(textwrap.dedent(f"name: {name}\nsteps:\n{step}"))
        results: dict[tuple[str, bool], tuple[float, float]] = {}
        for with_venv in (False, True):
            app, files = _app(base / f"app-{with_venv}", with_venv)
            if with_venv:
                print(f"ignored .venv/: {files} files")
            for name, plan in paths.items():
                results[name, with_venv] = _time(plan, app)
        for name in PLANS:
            bare, venv = results[name, False], results[name, True]
            print(f"{name:9}  apply {bare[0]:.2f}s -> {venv[0]:.2f}s ({venv[0] / bare[0]:.1f}x)"
                  f"  rollback {bare[1]:.2f}s -> {venv[1]:.2f}s ({venv[1] / bare[1]:.1f}x)")


if __name__ == "__main__":
    main()
