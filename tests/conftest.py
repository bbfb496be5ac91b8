"""Fixtures every tool test may use: real git repositories in tmp_path."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

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
