"""Bad inputs: each exits with its code and one `error:` line, and leaves the target unchanged.

Ctrl-C during apply is in test_crash_safety (it needs a real process and a signal).
"""

from __future__ import annotations

import os
import re
import socket
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from engine_helpers import fingerprint, git, make_app, migrate, write_plan

PY = sys.executable


@dataclass
class Case:
    id: str
    plan: str
    exit_code: int
    message: str
    """Regex the single stderr line must match (after `error: `)."""
    args: list[str] = field(default_factory=list)
    setup: Callable[[Path, Path], None] | None = None
    """setup(target, tmp_path) before the fingerprint is taken."""
    command: str = "apply"


OK_STEP = "  - test-put: {path: app/new.py, content: \"x = 1\\n\"}\n"


def plan(steps: str = OK_STEP, verify: str = "", head: str = "name: bad\n") -> str:
    return head + "steps:\n" + steps + (("verify:\n" + verify) if verify else "")


def _dirty(target: Path, tmp: Path) -> None:
    (target / "app" / "util.py").write_text("changed\n")


def _symlink_out(target: Path, tmp: Path) -> None:
    (tmp / "elsewhere").mkdir()
    os.symlink(tmp / "elsewhere", target / "link")
    git(target, "add", "link")
    git(target, "commit", "-q", "-m", "link")


def _half_applied(target: Path, tmp: Path) -> None:
    failing = write_plan(tmp / "other", plan("  - test-fail: boom\n"))
    assert migrate("apply", failing, "--target", target, "--keep-on-failure").exit_code == 4


def _applied_already(target: Path, tmp: Path) -> None:
    same = write_plan(tmp / "same", plan("  - test-put: {path: app/other.py}\n"))
    assert migrate("apply", same, "--target", target, "--commit").exit_code == 0


def _syntax_error(target: Path, tmp: Path) -> None:
    (target / "app" / "broken.py").write_text("def helper(:\n    pass\n")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "broken")


def _branch_exists(target: Path, tmp: Path) -> None:
    git(target, "branch", "migrate/bad")


def _app_binding_a_taken_port(target: Path, tmp: Path) -> None:
    (target / "server.py").write_text(
        "import socket, sys\n"
        "s = socket.socket()\n"
        f"s.bind(('127.0.0.1', {TAKEN_PORT}))\n"
        "s.listen()\n")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "server")


TAKEN_PORT = 0  # set by the `taken_port` fixture


CASES = [
    Case("malformed-yaml", "name: bad\nsteps:\n  - test-put: {path: a\n", 2,
         r".*plan.yaml:\d+: malformed YAML: "),
    Case("plan-is-a-list", "- a\n- b\n", 2, r".*plan.yaml:1: plan: expected a mapping"),
    Case("missing-name", "steps: []\n", 2, r".*plan.yaml:1: name: required key is missing"),
    Case("unknown-top-level-key", plan() + "colour: red\n", 2, r".*plan.yaml:4: colour: unknown key"),
    Case("unknown-step-kind", plan("  - teleport: {to: mars}\n"), 2,
         r".*plan.yaml:3: steps\[0\]: unknown step kind 'teleport'"),
    Case("unknown-key-in-step", plan("  - test-put: {path: a, colour: red}\n"), 2,
         r".*plan.yaml:3: steps\[0\].test-put.colour: unknown key"),
    Case("wrong-type", plan("  - test-put: {path: a, mode: fast}\n"), 2,
         r".*plan.yaml:3: steps\[0\].test-put.mode: input should be a valid integer"),
    Case("two-kinds-in-one-step", plan("  - {test-put: {path: a}, test-remove: [b]}\n"), 2,
         r".*plan.yaml:3: steps\[0\]: has 2 step kind keys"),
    Case("unknown-check-kind", plan(verify="  - {name: x, telepathy: yes}\n"), 2,
         r".*plan.yaml:5: verify\[0\]: unknown check kind 'telepathy'"),
    Case("unknown-codemod", plan("  - codemod: teleport\n"), 2,
         r".*plan.yaml:3: steps\[0\].codemod: unknown codemod 'teleport'"),
    Case("codemod-param-wrong-type", plan("  - codemod: test-rename-name\n    old: a\n    new: 3\n"),
         2, r".*plan.yaml:5: steps\[0\].new: input should be a valid string"),
    Case("missing-shipped-file", plan("  - write: {path: app/a.py, from: files/nope.py}\n"), 2,
         r".*plan.yaml:3: steps\[0\].write.from: file 'files/nope.py' not found"),
    Case("missing-plan-file", "", 2, r".*nope.yaml: cannot read the plan", args=["<nope>"]),
    Case("output-without-dry-run", plan(), 2, r"--output goes with --dry-run",
         args=["--output", "x.patch"]),
    Case("invalid-branch-name", plan(), 2, r"'a..b' is not a valid branch name: `git check-ref-format --branch` refuses it; "
         r"nothing was run \(pass a valid one with --branch NAME\)",
         args=["--commit", "--branch", "a..b"]),
    Case("verify-only-unknown-check", plan(verify="  - {name: real, test-file: README.md}\n"), 2,
         r"--only 'ghost': no such check \(the plan has: real\)",
         args=["--only", "ghost"], command="verify"),
    Case("not-a-git-repo", plan(), 3, r"target .* is not in a git repository", args=["<plain>"]),
    Case("ignored-folder-of-a-repo", plan(), 3, r"target .*/venv is a folder git ignores in .*",
         args=["<sub>"]),
    Case("dirty-tree", plan(), 3, r"target has uncommitted changes: app/util.py", setup=_dirty),
    Case("dotdot-path", plan("  - test-put: {path: ../escape.py}\n"), 3,
         r"step 1 \(test-put\): path '../escape.py' climbs out of the target"),
    Case("absolute-path", plan("  - test-put: {path: /tmp/escape.py}\n"), 3,
         r"step 1 \(test-put\): path '/tmp/escape.py' is absolute"),
    Case("path-into-.git", plan("  - test-put: {path: .git/hooks/pre-commit}\n"), 3,
         r"step 1 \(test-put\): path '.git/hooks/pre-commit' is inside .git"),
    Case("symlink-out-of-target", plan("  - test-put: {path: link/escape.py}\n"), 3,
         r"step 1 \(test-put\): path 'link/escape.py' resolves to .* outside the target",
         setup=_symlink_out),
    Case("half-applied-earlier-run", plan(), 3,
         r"an earlier run of plan 'bad' is half-applied .*migrate rollback", setup=_half_applied,
         args=["--allow-dirty"]),
    Case("same-plan-applied-twice", plan(), 3,
         r"plan 'bad' is already applied to this target .*migrate rollback",
         setup=_applied_already),
    Case("step-preflight-refuses", plan("  - test-refuse: not on this target\n"), 3,
         r"step 1 \(test-refuse\): not on this target"),
    Case("branch-already-exists", plan(), 3, r"branch 'migrate/bad' already exists",
         args=["--commit"], setup=_branch_exists),
    Case("missing-template", plan("  - copier: {src: ../no-such-template}\n"), 3,
         r"step 1 \(.*\): template '../no-such-template' not found"),
    Case("failing-step", plan(OK_STEP + "  - test-fail: {message: it broke, path: README.md}\n"), 4,
         r"step 2 \(test-fail\): it broke \(rolled back to the checkpoint; attempt saved as .*\.patch\)"),
    Case("delete-of-a-file-still-imported", plan("  - delete: [app/util.py]\n"), 4,
         r"step 1 \(.*\): delete refused: app.util still referenced at app/main.py:1"),
    Case("codemod-on-a-syntax-error",
         plan("  - codemod: test-rename-name\n    old: helper\n    new: assist\n"), 4,
         r"step 1 \(.*\): app/broken.py:\d+: cannot parse", setup=_syntax_error),
    Case("verification-fails", plan(verify="  - {name: absent, test-file: app/absent.py}\n"), 1,
         r"verification failed: absent \(rolled back to the checkpoint; attempt saved as .*\)"),
    Case("command-hangs-past-its-timeout",
         plan(verify=f"  - name: hangs\n    command: ['{PY}', -c, 'import time; time.sleep(60)']\n"
                     "    timeout: 1\n"), 1,
         r"verification failed: hangs \(rolled back"),
    Case("http-app-port-already-taken",
         plan(verify=f"  - name: health\n    http:\n      start: ['{PY}', server.py]\n"
                     "      probes: [{path: /health, status: 200}]\n"), 1,
         r"verification failed: health \(rolled back", setup=_app_binding_a_taken_port),
]


@pytest.fixture
def taken_port() -> Iterator[int]:
    global TAKEN_PORT
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    TAKEN_PORT = sock.getsockname()[1]
    try:
        yield TAKEN_PORT
    finally:
        sock.close()


def test_there_are_at_least_25_cases() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, taken_port: int) -> None:
    target = make_app(tmp_path / "app")
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "file.txt").write_text("not a repo\n")
    sub = target / "venv"  # an ignored folder of the app
    plan_path = write_plan(tmp_path / "plans", case.plan)
    if case.setup:
        case.setup(target, tmp_path)
    watched = {"<plain>": plain, "<sub>": target}
    args = [str(plan_path)] if case.command in ("apply", "verify") else []
    if "<nope>" in case.args:
        args = [str(tmp_path / "nope.yaml")]
    target_arg: Path = target
    for placeholder, where in (("<plain>", plain), ("<sub>", sub)):
        if placeholder in case.args:
            target_arg = where
    extra = [a for a in case.args if a not in ("<plain>", "<sub>", "<nope>")]
    observed = watched.get(next((a for a in case.args if a in watched), ""), target)
    before = fingerprint(observed) if observed is target else _files(observed)

    start = time.monotonic()
    run = migrate(case.command, *args, "--target", target_arg, *extra)
    elapsed = time.monotonic() - start

    lines = run.stderr.strip().splitlines()
    assert run.exit_code == case.exit_code, run.stderr + run.stdout
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("error: ")
    assert re.match(case.message, lines[0][len("error: "):]), lines[0]
    assert "Traceback" not in run.stderr  # (stdout may quote a failing app's own traceback as evidence)
    after = fingerprint(observed) if observed is target else _files(observed)
    assert after == before
    assert elapsed < 20


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}

