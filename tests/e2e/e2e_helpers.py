"""What the end-to-end migrations of both apps share: git, the CLI, user files, tree
comparison, patches, and a later template release."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from treehash import differences

from migrator import engine

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "E2E Test", "GIT_AUTHOR_EMAIL": "e2e@example.invalid",
    "GIT_COMMITTER_NAME": "E2E Test", "GIT_COMMITTER_EMAIL": "e2e@example.invalid",
}
VENV_BIN = Path(sys.executable).parent
"""The venv running these tests: its python has copier (and the Electronics Inventory
app's dependencies)."""

TOOL_CACHES = ("__pycache__/", ".mypy_cache/", ".ruff_cache/", ".pytest_cache/")

UNTRACKED_NOTE = "notes.txt"
IGNORED_ENV = ".env"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT_IDENTITY},
                          check=True, capture_output=True, text=True).stdout


def venv_env() -> dict[str, str]:
    """This environment with the venv's bin first on PATH and no COPIER override."""
    env = {k: v for k, v in os.environ.items() if k != "COPIER"}
    env.update(GIT_IDENTITY)
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env.get("PATH", "")])
    return env


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real `migrate` command (`python -m migrator`) as a process."""
    return subprocess.run([sys.executable, "-m", "migrator", *map(str, args)], cwd=cwd,
                          env=venv_env(), capture_output=True, text=True, timeout=300,
                          check=False)


def add_user_files(app: Path) -> None:
    """An untracked and an ignored file the user has in the tree before migrating."""
    (app / UNTRACKED_NOTE).write_text("call the supplier about the 0402 resistors\n")
    # Only a comment: the app's Settings reads .env, and this must not change any check.
    (app / IGNORED_ENV).write_text("# local overrides, never committed\n")
    assert git(app, "status", "--porcelain", "--ignored", "--", UNTRACKED_NOTE,
               IGNORED_ENV).splitlines() == [f"?? {UNTRACKED_NOTE}", f"!! {IGNORED_ENV}"]


def assert_same_tree(before: dict[str, str], after: dict[str, str], what: str) -> None:
    """Byte for byte. User files are compared first so their difference is reported first;
    then whatever is left (tool caches the run created) must be equal too."""
    diff = differences(before, after)
    other = [d for d in diff if not any(c in d for c in TOOL_CACHES)]
    assert not other, f"{what}: {len(other)} difference(s):\n" + "\n".join(other[:40])
    caches = sorted({d.split(":", 1)[0].split("/", 1)[0] for d in diff})
    assert not diff, (
        f"{what}: only tool caches differ, but they did not exist before the run and are "
        f"still there: {caches} ({len(diff)} files, e.g. {diff[0]})")


def patch_paths(patch: str) -> set[str]:
    return set(re.findall(r"^diff --git a/(\S+) b/", patch, flags=re.MULTILINE))


def describe_failures(verification: engine.VerifyReport) -> str:
    lines = []
    for result in verification.failed:
        lines.append(f"- {result.name}: {result.summary}")
        lines += [f"    {line}" for line in result.evidence[-15:]]
    return "\n".join(lines)


def file_diff(patch: str, path: str) -> str:
    start = patch.find(f"diff --git a/{path} b/{path}\n")
    end = patch.find("\ndiff --git ", start + 1)
    return patch[start:end if end != -1 else None]


def release_v0_2_0(template: Path) -> None:
    """A common/ module edited, a new one added, and an app-owned starting file edited."""
    rendered = template / "template"
    settings = rendered / "common" / "core" / "settings.py.jinja"
    settings.write_text(settings.read_text()
                        + '\n\nTEMPLATE_RELEASE_NOTE = "CommonSettings as of v0.2.0"\n')
    (rendered / "common" / "core" / "version.py").write_text(
        '"""The template release this common/ comes from."""\n\nTEMPLATE_VERSION = "0.2.0"\n')
    starter = rendered / "app" / "config.py.jinja"
    starter.write_text(starter.read_text() + "\n    TEMPLATE_STARTER_FIELD: int = 1\n")
    (template / "VERSION").write_text("0.2.0\n")
    git(template, "add", "-A")
    git(template, "commit", "-q", "-m", "ModernAppTemplate backend v0.2.0")
    git(template, "tag", "-a", "v0.2.0", "-m", "template v0.2.0")
