"""Helpers for the engine tests: tiny apps in temporary git repos, tree fingerprints, running
`migrate` in-process and as a subprocess (with the test-only kinds registered).

A uniquely named module (not `conftest`) so `from engine_helpers import ...` cannot pick up
another folder's conftest."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

__all__ = [
    "APP_FILES", "HERE", "ROOT", "Run", "fingerprint", "git", "git_dir_fingerprint",
    "make_app", "migrate", "migrate_process", "write_plan",
]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(HERE.parent) not in sys.path:  # tests/: the shared tree fingerprints
    sys.path.insert(0, str(HERE.parent))

from treehash import fingerprint, git_dir_fingerprint

from migrator.cli import app

os.environ.update({
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
})


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout


APP_FILES = {
    "app/__init__.py": "",
    "app/util.py": "def helper(x):\n    return x + 1\n",
    "app/main.py": "from app.util import helper\n\n\ndef run():\n    return helper(1)\n",
    "run.sh": "#!/bin/sh\necho run\n",
    ".gitignore": ".env\n*.log\nvenv/\n",
    "README.md": "# tiny app\n",
}


def make_app(path: Path, *, extras: bool = True) -> Path:
    """A committed tiny app; with `extras`, also untracked and ignored user files."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    for rel, text in APP_FILES.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text)
    (path / "run.sh").chmod(0o755)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "initial")
    if extras:
        (path / ".env").write_text("SECRET=1\n")               # ignored
        (path / "venv").mkdir()
        (path / "venv" / "lib.py").write_text("x = 1\n")        # ignored
        (path / "debug.log").write_text("log\n")                # ignored
    return path


def write_plan(folder: Path, text: str, name: str = "plan.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip())
    return path


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


def migrate(*args: str | Path) -> Run:
    """`migrate ARGS` in-process (same parsing, output and exit codes as the console script)."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


SUBPROCESS_BOOT = (
    "import sys; sys.path.insert(0, {here!r}); import engine_kinds; engine_kinds.register_all(); "
    "engine_kinds.pause_inside_from_env(); "
    "from migrator.cli import main; sys.argv[0] = 'migrate'; main()"
)


def migrate_process(*args: str | Path, **popen: object) -> subprocess.Popen[str]:
    """`migrate ARGS` as a real process, with the test-only kinds registered."""
    code = SUBPROCESS_BOOT.format(here=str(HERE))
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **popen)  # type: ignore[call-overload]
