"""Keep them fixed: kill -9 at every step boundary and inside each shipped step kind, then
`migrate rollback` gives back the tree and `.git` byte for byte (modes, empty folders and
ignored files included)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from engine_helpers import git, migrate, write_plan
from fault_helpers import assert_same, kill_at, state, template_repo

PY = sys.executable


def _pause_command(reached: Path, release: Path, first: str) -> str:
    code = (f"{first}; open({str(reached)!r}, 'w').write('x'); import os, time\n"
            f"while not os.path.exists({str(release)!r}): time.sleep(0.01)")
    return f"  - command: ['{PY}', -c, {code!r}]\n"


STEPS = [  # one of each shipped kind
    "  - copier: {src: ../template, merge: {.gitignore: lines}}\n",
    "  - codemod: test-rename-name\n    old: helper\n    new: assist\n",
    "  - write: {path: .env, from: files/env}\n",
    "  - patch: files/readme.diff\n",
    "  - delete: [legacy]\n",
    f"  - command: ['{PY}', -c, \"import os; os.rmdir('uploads'); os.chmod('app', 0o755)\"]\n",
]


KINDS = ["copier", "codemod", "write", "patch", "delete", "command"]


def _world(app: Path, plans: Path, tmp: Path) -> None:
    template_repo(tmp / "template", {
        "copier.yml": "project_name:\n  type: str\n  default: demo\n",
        "common/__init__.py.jinja": '"""{{ project_name }}"""\n',
        ".gitignore": "*.pyc\n.env\n"})
    (plans / "files").mkdir()
    (plans / "files" / "env").write_text("PLAN=1\n")
    (plans / "files" / "readme.diff").write_text(
        "--- a/README.md\n+++ b/README.md\n@@ -1 +1,2 @@\n # tiny app\n+patched\n")
    (app / "legacy").mkdir()
    (app / "legacy" / "old.txt").write_text("old\n")
    git(app, "add", "legacy")
    git(app, "commit", "-q", "-m", "legacy")
    (app / "legacy" / "local.log").write_text("ignored, inside a deleted folder\n")
    (app / "uploads").mkdir()
    (app / "app").chmod(0o750)
    (app / "notes.txt").write_text("untracked, mine\n")


@pytest.mark.parametrize("boundary", range(len(KINDS) + 1))
def test_kill_at_each_step_boundary(app_repo: Path, plans: Path, tmp_path: Path,
                                    boundary: int) -> None:
    _world(app_repo, plans, tmp_path)
    reached, release = tmp_path / "reached", tmp_path / "release"
    steps = list(STEPS)
    steps.insert(boundary, f"  - test-pause: {{reached: '{reached}', release: '{release}'}}\n")
    plan = write_plan(plans, "name: everything\ndata: {project_name: tiny}\nsteps:\n"
                      + "".join(steps))
    before = state(app_repo)
    kill_at(reached, "apply", plan, "--target", app_repo, "--allow-dirty")
    back = migrate("rollback", "--target", app_repo)
    assert back.exit_code == 0, back.stderr
    assert_same(before, state(app_repo))


@pytest.mark.parametrize("kind", KINDS)
def test_kill_inside_each_step_kind(app_repo: Path, plans: Path, tmp_path: Path,
                                    kind: str) -> None:
    _world(app_repo, plans, tmp_path)
    reached, release = tmp_path / "reached", tmp_path / "release"
    steps = list(STEPS)
    index = KINDS.index(kind)
    if kind == "command":
        steps[index] = _pause_command(reached, release, "import os; os.rmdir('uploads')")
    plan = write_plan(plans, "name: everything\ndata: {project_name: tiny}\nsteps:\n"
                      + "".join(steps))
    before = state(app_repo)
    env = {**os.environ, "MIGRATE_TEST_PAUSE_INSIDE": f"{kind}:{reached}:{release}"}
    kill_at(reached, "apply", plan, "--target", app_repo, "--allow-dirty", env=env)
    back = migrate("rollback", "--target", app_repo)
    assert back.exit_code == 0, back.stderr
    assert_same(before, state(app_repo))
