"""The target git repository: clean-tree check, checkpoint, journal, rollback, dry-run worktree.

Everything runs `git` with argument lists (never a shell). The user's index is never used
for bookkeeping: snapshots are built in temporary index files (`GIT_INDEX_FILE`), and the
index is saved byte for byte before a run and put back by rollback.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from migrator.errors import CommitsOnTop, NotAGitRepository, PreflightError, UsageError

CHECKPOINT_REF = "refs/migrator/checkpoint"
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
_IDENTITY = {
    "GIT_AUTHOR_NAME": "migrate", "GIT_AUTHOR_EMAIL": "migrate@localhost",
    "GIT_COMMITTER_NAME": "migrate", "GIT_COMMITTER_EMAIL": "migrate@localhost",
}


class GitFailed(PreflightError):
    """A git command the migrator runs for its own bookkeeping failed (message: git's)."""


@dataclass
class Changes:
    created: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.created or self.modified or self.deleted)


class Repo:
    """A git working tree (the target or a dry-run worktree of it)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.git_dir = Path(self.git("rev-parse", "--absolute-git-dir").strip())
        self.common_dir = Path(self.git("rev-parse", "--git-common-dir").strip())
        if not self.common_dir.is_absolute():
            self.common_dir = (root / self.common_dir).resolve()

    @classmethod
    def open(cls, target: Path) -> Repo:
        """The repository whose root is `target`, or NotAGitRepository."""
        if not target.is_dir():
            raise NotAGitRepository(f"target {target} is not a directory")
        proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=target,
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise NotAGitRepository(f"target {target} is not a git repository",
                                    "run `git init` and commit the app first")
        top = Path(proc.stdout.strip()).resolve()
        if top != target.resolve():
            raise NotAGitRepository(f"target {target} is inside the git repository {top} "
                                    "but is not its root", "give the repository root as --target")
        return cls(target.resolve())

    # -- plumbing -------------------------------------------------------------------------
    def git(self, *args: str, env: dict[str, str] | None = None,
            input: bytes | None = None) -> str:
        full_env = {**os.environ, **(env or {})}
        proc = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=self.root,
                              env=full_env, input=input, capture_output=True, check=False)
        if proc.returncode != 0:
            raise GitFailed(f"git {' '.join(args)}: {proc.stderr.decode(errors='replace').strip()}")
        return proc.stdout.decode("utf-8", errors="surrogateescape")

    @property
    def state_dir(self) -> Path:
        """`.git/migrator/`: journal, checkpoint index, saved index, attempt patches."""
        return self.common_dir / "migrator"

    def head(self) -> str | None:
        try:
            return self.git("rev-parse", "--verify", "-q", "HEAD^{commit}").strip() or None
        except GitFailed:
            return None

    def branch(self) -> str | None:
        try:
            return self.git("symbolic-ref", "-q", "--short", "HEAD").strip() or None
        except GitFailed:
            return None

    def ref(self, name: str) -> str | None:
        try:
            return self.git("rev-parse", "--verify", "-q", name).strip() or None
        except GitFailed:
            return None

    def dirty_paths(self) -> list[str]:
        """Uncommitted changes: modified, staged, deleted and untracked (not ignored) paths."""
        out = self.git("--no-optional-locks", "status", "--porcelain=v1", "-z",
                       "--untracked-files=all", "--no-renames")
        return sorted({entry[3:] for entry in out.split("\0") if entry})

    # -- snapshots ------------------------------------------------------------------------
    def snapshot(self, index: Path, base: str | None, env: dict[str, str] | None = None) -> str:
        """The tree of the working tree (tracked + untracked, not ignored) via `index`.

        `index` is created from `base` the first time and reused after, so later snapshots
        only rehash files whose stat changed.
        """
        env = {**(env or {}), "GIT_INDEX_FILE": str(index)}
        if not index.exists():
            self.git("read-tree", base or EMPTY_TREE, env=env)
        self.git("add", "-A", "--", ".", env=env)
        return self.git("write-tree", env=env).strip()

    def changes(self, old: str, new: str, env: dict[str, str] | None = None) -> Changes:
        out = self.git("diff-tree", "-r", "-z", "--no-renames", "--name-status", old, new, env=env)
        parts = [p for p in out.split("\0") if p]
        result = Changes()
        for status, path in zip(parts[::2], parts[1::2]):
            {"A": result.created, "D": result.deleted}.get(status[0], result.modified).append(path)
        return result

    def patch(self, old: str, new: str, env: dict[str, str] | None = None) -> str:
        return self.git("diff", "--binary", "--no-renames", "--no-color", "--no-ext-diff",
                        "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/", old, new, env=env)

    def tree_of(self, commit: str) -> str:
        return self.git("rev-parse", f"{commit}^{{tree}}").strip()


# -- journal ------------------------------------------------------------------------------
@dataclass
class Journal:
    """What an apply has done so far; written (and fsync'd) before and after each step."""

    plan_name: str
    plan_path: str
    target: str
    steps: list[str]
    state: str = "starting"
    """starting -> running -> applied | kept-failed; rolling-back while a rollback runs."""
    checkpoint: str | None = None
    head: str | None = None
    branch: str | None = None
    index_saved: bool = False
    steps_done: int = 0
    current_step: int | None = None
    created_branch: str | None = None
    created_commit: str | None = None
    attempt_patch: str | None = None
    failure: str | None = None
    started_at: float = field(default_factory=time.time)
    pid: int = field(default_factory=os.getpid)
    """The `migrate` process that runs (or ran) the apply."""

    def running_elsewhere(self) -> bool:
        """True while another live process is still in the middle of this apply."""
        if self.state not in ("starting", "running") or self.pid == os.getpid():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    @staticmethod
    def path(repo: Repo) -> Path:
        return repo.state_dir / "journal.json"

    def write(self, repo: Repo) -> None:
        path = self.path(repo)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)

    @classmethod
    def read(cls, repo: Repo) -> Journal | None:
        path = cls.path(repo)
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except (ValueError, TypeError) as exc:
            raise PreflightError(f"the journal {path} is unreadable ({exc})",
                                 "inspect it; delete it only if you know the tree is right") from None

    @classmethod
    def clear(cls, repo: Repo) -> None:
        with contextlib.suppress(FileNotFoundError):
            cls.path(repo).unlink()
        _fsync_dir(repo.state_dir)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- checkpoint ---------------------------------------------------------------------------
def create_checkpoint(repo: Repo, message: str) -> str:
    """Commit HEAD + uncommitted tracked changes + untracked files; save the user's index."""
    state = repo.state_dir
    state.mkdir(parents=True, exist_ok=True)
    index = state / "checkpoint.index"
    index.unlink(missing_ok=True)
    head = repo.head()
    tree = repo.snapshot(index, head)
    parents = ["-p", head] if head else []
    commit = repo.git("commit-tree", tree, *parents, "-m", message, env=_IDENTITY).strip()
    saved = state / "index.orig"
    saved.unlink(missing_ok=True)
    if (repo.git_dir / "index").exists():
        shutil.copy2(repo.git_dir / "index", saved)
    record_files_outside_git(repo)
    repo.git("update-ref", CHECKPOINT_REF, commit)
    return commit


# What git does not keep: which ignored paths exist and each file's exact mode. The
# checkpoint commit holds contents and the executable bit only.
IGNORED_BEFORE = "ignored-before.json"
MODES_BEFORE = "modes-before.json"


def _ignored_entries(repo: Repo) -> list[str]:
    """Ignored paths, a fully ignored folder as one `folder/` entry."""
    out = repo.git("ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory")
    return sorted(p for p in out.split("\0") if p)


def record_files_outside_git(repo: Repo) -> None:
    """Save the ignored paths and the modes of the working tree's files before the run."""
    files = repo.git("ls-files", "-z", "--cached", "--others", "--exclude-standard")
    modes = {}
    for rel in filter(None, files.split("\0")):
        with contextlib.suppress(OSError):
            info = (repo.root / rel).lstat()
            if not os.path.islink(repo.root / rel):
                modes[rel] = info.st_mode & 0o7777
    _write_json(repo.state_dir / MODES_BEFORE, modes)
    _write_json(repo.state_dir / IGNORED_BEFORE, _ignored_entries(repo))


def _write_json(path: Path, data: object) -> None:
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())


def _read_json(path: Path) -> object | None:
    try:
        return json.loads(path.read_text(encoding="utf-8", errors="surrogateescape"))
    except (FileNotFoundError, ValueError):
        return None


def _overlaps(entry: str, old: str) -> bool:
    """Whether the ignored `entry` is, holds or lies inside the ignored `old` path."""
    return (entry == old or (old.endswith("/") and entry.startswith(old))
            or (entry.endswith("/") and old.startswith(entry)))


def restore_files_outside_git(repo: Repo) -> None:
    """Remove ignored paths the run created (tool caches) and put file modes back.

    Ignored paths that existed before the run are never touched, nor is anything inside
    them.
    """
    before = _read_json(repo.state_dir / IGNORED_BEFORE)
    if isinstance(before, list):
        for entry in _ignored_entries(repo):
            if not any(_overlaps(entry, old) for old in before):
                _remove(repo.root, entry.rstrip("/"))
    modes = _read_json(repo.state_dir / MODES_BEFORE)
    if isinstance(modes, dict):
        for rel, mode in modes.items():
            path = repo.root / rel
            with contextlib.suppress(OSError):
                if not path.is_symlink() and path.stat().st_mode & 0o7777 != mode:
                    path.chmod(mode)


def attempt_changes(repo: Repo, checkpoint: str) -> tuple[Changes, str, str]:
    """Changes, unified patch and tree of the working tree against the checkpoint."""
    index = repo.state_dir / "attempt.index"
    index.unlink(missing_ok=True)
    try:
        base = repo.tree_of(checkpoint)
        now = repo.snapshot(index, checkpoint)
        return repo.changes(base, now), repo.patch(base, now), now
    finally:
        index.unlink(missing_ok=True)


def save_attempt_patch(repo: Repo, checkpoint: str, plan_name: str) -> Path:
    _, patch, _ = attempt_changes(repo, checkpoint)
    folder = repo.state_dir / "attempts"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stamp}-{_safe(plan_name)}.patch"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{stamp}-{_safe(plan_name)}-{n}.patch"
    path.write_text(patch, encoding="utf-8", errors="surrogateescape")
    return path


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in name) or "plan"


# -- rollback -----------------------------------------------------------------------------
def restore_tree(repo: Repo, checkpoint: str) -> None:
    """Make the working tree equal to the checkpoint, modes included.

    Ignored files that existed before the run are left alone; ignored files the run
    created (tool caches, bytecode) are removed.
    """
    base = repo.tree_of(checkpoint)
    # Restoring .gitignore can make files the run created visible again: repeat until stable.
    for _ in range(4):
        scan = repo.state_dir / "rollback.index"
        scan.unlink(missing_ok=True)
        now = repo.snapshot(scan, checkpoint)
        scan.unlink(missing_ok=True)
        diff = repo.changes(base, now)
        if not diff:
            restore_files_outside_git(repo)
            return
        for path in diff.created:
            _remove(repo.root, path)
        restore = diff.modified + diff.deleted
        if restore:
            fresh = repo.state_dir / "restore.index"
            fresh.unlink(missing_ok=True)
            env = {"GIT_INDEX_FILE": str(fresh)}
            try:
                repo.git("read-tree", checkpoint, env=env)
                for path in diff.modified:
                    _remove(repo.root, path)
                repo.git("checkout-index", "-f", "-z", "--stdin", env=env,
                         input="\0".join(restore).encode("utf-8", "surrogateescape"))
            finally:
                fresh.unlink(missing_ok=True)
    raise PreflightError("the working tree does not settle back to the checkpoint",
                         f"compare it with `git diff {checkpoint}`")


def _remove(root: Path, rel: str) -> None:
    path = root / rel
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    parent = path.parent
    while parent != root:
        try:
            parent.rmdir()
        except OSError:
            break
        parent = parent.parent


def _migration_heads(repo: Repo, journal: Journal) -> set[str | None]:
    """Commits HEAD may be at with nothing added on top (a crash may fall mid-commit)."""
    heads = {journal.created_commit or journal.head}
    if journal.created_branch and journal.created_commit is None:
        heads.add(journal.head)
        now = repo.head()
        if now and repo.ref(f"{now}^") == journal.head:
            heads.add(now)
    return heads


def commits_on_top(repo: Repo, journal: Journal) -> str | None:
    """A description of what moved HEAD since the migration, or None."""
    expected = journal.created_commit or journal.head
    now = repo.head()
    if now not in _migration_heads(repo, journal):
        return f"HEAD is {(now or 'unborn')[:12]}, the migration left {(expected or 'unborn')[:12]}"
    allowed = {journal.branch, journal.created_branch}
    if journal.branch and repo.branch() not in allowed:
        return f"the checked out branch is {repo.branch()}, the migration ran on {journal.branch}"
    return None


def rollback(repo: Repo, journal: Journal, force: bool) -> None:
    """Restore tree, HEAD/branch and index to the checkpoint, then forget the run."""
    if journal.running_elsewhere() and not force:
        raise PreflightError(f"a migrate process (pid {journal.pid}) is still applying "
                             f"{journal.plan_name!r} to this target",
                             "wait for it, or stop it (Ctrl-C rolls back by itself); "
                             "--force rolls back anyway")
    moved = commits_on_top(repo, journal)
    if moved and not force and journal.state not in ("rolling-back",):
        raise CommitsOnTop(f"commits were added on top of the migration ({moved})",
                           "`migrate rollback --force` restores the checkpoint anyway; "
                           "the extra commits stay reachable from their branch and the reflog")
    journal.state = "rolling-back"
    journal.write(repo)
    assert journal.checkpoint is not None
    restore_tree(repo, journal.checkpoint)
    _restore_head(repo, journal)
    saved = repo.state_dir / "index.orig"
    if journal.index_saved and saved.exists():
        shutil.copy2(saved, repo.git_dir / "index")
    elif not journal.index_saved:
        (repo.git_dir / "index").unlink(missing_ok=True)
    forget_run(repo)


def _restore_head(repo: Repo, journal: Journal) -> None:
    if journal.branch:
        ref = f"refs/heads/{journal.branch}"
        if journal.head and repo.ref(ref) != journal.head:
            repo.git("update-ref", ref, journal.head)
        elif not journal.head and repo.ref(ref):
            repo.git("update-ref", "-d", ref)
        repo.git("symbolic-ref", "HEAD", ref)
    elif journal.head:
        repo.git("update-ref", "--no-deref", "HEAD", journal.head)
    if journal.created_branch and journal.created_branch != journal.branch:
        ref = f"refs/heads/{journal.created_branch}"
        if repo.ref(ref) in _migration_heads(repo, journal) | {journal.created_commit}:
            repo.git("update-ref", "-d", ref)


def forget_run(repo: Repo) -> None:
    """Remove the checkpoint ref and the run's bookkeeping (attempt patches stay)."""
    if repo.ref(CHECKPOINT_REF):
        repo.git("update-ref", "-d", CHECKPOINT_REF)
    for name in ("checkpoint.index", "index.orig", "steps.index", "attempt.index",
                 IGNORED_BEFORE, MODES_BEFORE):
        (repo.state_dir / name).unlink(missing_ok=True)
    Journal.clear(repo)


# -- commit on a branch -------------------------------------------------------------------
def check_branch_name(repo: Repo, name: str) -> None:
    try:
        repo.git("check-ref-format", "--branch", name)
    except GitFailed:
        raise UsageError(f"{name!r} is not a valid branch name",
                         "pass a valid one with --branch NAME") from None
    if repo.ref(f"refs/heads/{name}"):
        raise PreflightError(f"branch {name!r} already exists",
                             "choose another with --branch NAME or delete it")


def commit_on_branch(repo: Repo, branch: str, message: str) -> str:
    """Switch to a new branch at HEAD and commit the whole working tree on it."""
    repo.git("switch", "-q", "-c", branch)
    repo.git("add", "-A", "--", ".")
    env = {} if _has_identity(repo) else _IDENTITY
    repo.git("commit", "-q", "--no-verify", "-m", message, env=env)
    return repo.head() or ""


def _has_identity(repo: Repo) -> bool:
    try:
        repo.git("var", "GIT_COMMITTER_IDENT")
        repo.git("var", "GIT_AUTHOR_IDENT")
        return True
    except GitFailed:
        return False


# -- dry-run worktree ---------------------------------------------------------------------
@dataclass
class DryRunTree:
    repo: Repo
    """The throwaway worktree."""
    env: dict[str, str]
    """Environment for bookkeeping git commands: objects go to a temporary store."""
    index: Path
    base: str
    """Tree of the worktree before any step ran (HEAD plus the copied uncommitted state)."""


@contextlib.contextmanager
def dry_run_worktree(target: Repo, copy_uncommitted: bool) -> Iterator[DryRunTree]:
    """A detached worktree of the target's HEAD, removed on exit, leaving no trace."""
    head = target.head()
    if head is None:
        raise PreflightError(f"target {target.root} has no commit yet",
                             "commit the app first; the dry run starts from HEAD")
    tmp = Path(tempfile.mkdtemp(prefix="migrate-dry-run-"))
    worktrees = target.common_dir / "worktrees"
    had_worktrees = worktrees.exists()
    path = tmp / target.root.name
    try:
        # No hooks: a user's post-checkout hook must not run in (or on) the throwaway tree.
        target.git("-c", "core.hooksPath=/dev/null", "worktree", "add", "--detach", "--quiet",
                   str(path), head)
        tree = Repo(path)
        if copy_uncommitted:
            _copy_uncommitted(target, path)
        objects = tmp / "objects"
        objects.mkdir()
        env = {"GIT_OBJECT_DIRECTORY": str(objects),
               "GIT_ALTERNATE_OBJECT_DIRECTORIES": str(target.common_dir / "objects")}
        index = tmp / "snapshot.index"
        base = tree.snapshot(index, head, env)
        yield DryRunTree(repo=tree, env=env, index=index, base=base)
    finally:
        with contextlib.suppress(GitFailed):
            target.git("worktree", "remove", "--force", str(path))
        shutil.rmtree(tmp, ignore_errors=True)
        with contextlib.suppress(GitFailed):
            target.git("worktree", "prune")
        if not had_worktrees:
            with contextlib.suppress(OSError):
                worktrees.rmdir()


def _copy_uncommitted(source: Repo, dest: Path) -> None:
    for rel in source.dirty_paths():
        src, dst = source.root / rel, dest / rel
        if src.is_symlink() or src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            if dst.is_symlink() or dst.exists():
                dst.unlink()
            if src.is_symlink():
                os.symlink(os.readlink(src), dst)
            else:
                shutil.copy2(src, dst)
        else:
            with contextlib.suppress(FileNotFoundError):
                dst.unlink()
