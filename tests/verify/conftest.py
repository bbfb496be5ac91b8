"""Real git repositories in tmp_path for the check tests."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from migrator.verify.base import CheckContext

GIT_IDENTITY = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]


def run_git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *GIT_IDENTITY, *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


@pytest.fixture
def git() -> Callable[..., str]:
    """git(cwd, *args) -> stdout, with a fixed identity; raises on failure."""
    return run_git


@pytest.fixture
def make_repo() -> Callable[..., Path]:
    """make_repo(path, files) -> a git repository at path with `files` committed."""

    def make(path: Path, files: dict[str, str]) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        write_tree(path, files)
        run_git(path, "init", "-q", "-b", "main")
        run_git(path, "add", "-A")
        run_git(path, "commit", "-q", "-m", "initial")
        return path

    return make


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
