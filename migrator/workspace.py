"""The target: a folder in a git working tree, and the git plumbing the migrator runs on it.

Everything runs `git` with argument lists (never a shell). The user's index is never used
for bookkeeping: trees are built in temporary index files (`GIT_INDEX_FILE`), and the index
is saved byte for byte before a run and put back by rollback. The run's state (journal,
checkpoint manifests, saved ignored files, attempt patches) lives in the worktree's own git
folder (`git rev-parse --git-dir`), so linked worktrees never share a run.

The checkpoint and rollback are in `migrator.checkpoint`, the journal in
`migrator.journal`, the dry-run repository in `migrator.dryrun`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
from pathlib import Path

from migrator.errors import NotAGitRepository, PreflightError, UsageError
from migrator.snapshot import Changes

__all__ = ["CHECKPOINT_REF", "Changes", "GitFailed", "Repo", "attempt_changes",
           "check_branch_name", "commit_on_branch", "valid_branch_name"]

CHECKPOINT_REF = "refs/worktree/migrator/checkpoint"
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
"""The checkpoint of a run on a repository's root folder (per worktree)."""
IDENTITY = {
    "GIT_AUTHOR_NAME": "migrate", "GIT_AUTHOR_EMAIL": "migrate@localhost",
    "GIT_COMMITTER_NAME": "migrate", "GIT_COMMITTER_EMAIL": "migrate@localhost",
}


class GitFailed(PreflightError):
    """A git command the migrator runs for its own bookkeeping failed (message: git's)."""


class Repo:
    """A folder of a git working tree: the target, or the dry run's copy of it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        """The folder the migration works on (the repository's root, or a folder in it)."""
        self.top = Path(self.git("rev-parse", "--show-toplevel").strip())
        self.git_dir = Path(self.git("rev-parse", "--absolute-git-dir").strip())
        """This worktree's own git folder (a linked worktree's is under `.git/worktrees/`)."""
        common = Path(self.git("rev-parse", "--git-common-dir").strip())
        self.common_dir = common if common.is_absolute() else (root / common).resolve()
        self.prefix = root.resolve().relative_to(self.top.resolve()).as_posix()
        if self.prefix == ".":
            self.prefix = ""

    @classmethod
    def open(cls, target: Path) -> Repo:
        """The folder `target` of a git working tree (its root, or a folder in it)."""
        if not target.is_dir():
            what = "is not a folder" if target.exists() else "does not exist"
            raise NotAGitRepository(f"target {target} {what}", "give the app's folder")
        proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=target,
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            inside = subprocess.run(["git", "rev-parse", "--is-inside-git-dir"], cwd=target,
                                    capture_output=True, text=True, check=False)
            if inside.stdout.strip() == "true":
                raise NotAGitRepository(f"target {target} is a git folder, not the app's folder",
                                        "give the folder of the working tree that holds it")
            raise NotAGitRepository(f"target {target} is not in a git repository",
                                    "run `git init` and commit the app first")
        repo = cls(target.resolve())
        if repo.prefix and subprocess.run(["git", "check-ignore", "-q", "--", repo.prefix],
                                          cwd=repo.top, check=False).returncode == 0:
            raise NotAGitRepository(f"target {target} is a folder git ignores in {repo.top}",
                                    "give a folder whose files the repository tracks")
        return repo

    @staticmethod
    def init(folder: Path, templates: Path) -> None:
        """A new repository at `folder` (hooks and other templates from `templates` only)."""
        proc = subprocess.run(["git", "init", "-q", f"--template={templates}", str(folder)],
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise GitFailed(f"git init {folder}: {proc.stderr.strip()}")

    # -- plumbing -------------------------------------------------------------------------
    def run_git(self, *args: str, env: dict[str, str] | None = None,
                input: bytes | None = None, at_top: bool = False) -> bytes:
        """git ARGS in the target folder (or at the repository's top with `at_top`)."""
        full_env = {**os.environ, **(env or {})}
        proc = subprocess.run(["git", "-c", "core.quotepath=off", *args],
                              cwd=self.top if at_top else self.root,
                              env=full_env, input=input, capture_output=True, check=False)
        if proc.returncode != 0:
            raise GitFailed(f"git {' '.join(args)}: {proc.stderr.decode(errors='replace').strip()}")
        return proc.stdout

    def git(self, *args: str, env: dict[str, str] | None = None,
            input: bytes | None = None, at_top: bool = False) -> str:
        return self.run_git(*args, env=env, input=input, at_top=at_top).decode(
            "utf-8", errors="surrogateescape")

    @property
    def state_dir(self) -> Path:
        """Where this target's run state lives: `<git dir>/migrator/` for a repository's root
        folder, `<git dir>/migrator/targets/<folder key>/` for a folder inside it."""
        base = self.git_dir / "migrator"
        return base / "targets" / self.key if self.prefix else base

    @property
    def lock_path(self) -> Path:
        """What `migrator.runlock` locks: the worktree's git folder (one run at a time per
        worktree, so runs on overlapping folders never interleave)."""
        return self.git_dir

    @property
    def key(self) -> str:
        """A file- and ref-safe name for the target folder, unique within the worktree."""
        readable = "".join(c if c.isalnum() or c in "-_" else "-" for c in self.prefix)
        return f"{readable[:40]}-{hashlib.sha1(self.prefix.encode()).hexdigest()[:8]}"

    @property
    def checkpoint_ref(self) -> str:
        return CHECKPOINT_REF if not self.prefix else \
            f"refs/worktree/migrator/targets/{self.key}/checkpoint"

    @property
    def applied_ref(self) -> str:
        """The tree as the run left it (keeps its objects for a later `rollback --force`)."""
        return self.checkpoint_ref.rsplit("/", 1)[0] + "/applied"

    def head(self) -> str | None:
        try:
            return self.git("rev-parse", "--verify", "-q", "HEAD^{commit}").strip() or None
        except GitFailed:
            return None

    def branch(self) -> str | None:
        """The checked-out branch's name, exactly (`--short` would give `heads/v1` for a
        branch named like a tag, which then never equals the name the journal recorded)."""
        try:
            full = self.git("symbolic-ref", "-q", "HEAD").strip()
        except GitFailed:
            return None
        return full.removeprefix("refs/heads/") if full.startswith("refs/heads/") else None

    def ref(self, name: str) -> str | None:
        try:
            return self.git("rev-parse", "--verify", "-q", name).strip() or None
        except GitFailed:
            return None

    def delete_ref(self, name: str, expected: str | None) -> None:
        """Delete `name` only while it still points at `expected` (never another run's), and
        the folders of `refs/worktree/` it leaves empty."""
        if expected and self.ref(name) == expected:
            self.git("update-ref", "-d", name, expected)
        folder = (self.git_dir / name).parent
        # a linked worktree's `refs/` folder exists only for per-worktree refs
        stop = self.git_dir / "refs" if self.git_dir == self.common_dir else self.git_dir
        while folder != stop and folder.is_relative_to(stop):
            try:
                folder.rmdir()
            except FileNotFoundError:
                pass
            except OSError:
                break
            folder = folder.parent

    def dirty_paths(self) -> list[str]:
        """Uncommitted changes in the target folder: modified, staged, deleted and untracked
        (not ignored) paths, relative to the folder."""
        out = self.git("--no-optional-locks", "status", "--porcelain=v1", "-z",
                       "--untracked-files=all", "--no-renames", "--", ".")
        top_relative = sorted({entry[3:] for entry in out.split("\0") if entry})
        cut = len(self.prefix) + 1 if self.prefix else 0
        return [p[cut:] for p in top_relative]

    def patch(self, old: str, new: str, *paths: str) -> str:
        return self.git("diff", "--binary", "--no-renames", "--no-color", "--no-ext-diff",
                        "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/", old, new,
                        *(["--", *paths] if paths else []))

    def tree_of(self, commit: str) -> str:
        return self.git("rev-parse", f"{commit}^{{tree}}").strip()

    def target_tree(self, commit: str) -> str:
        """The tree of the target folder in `commit` (paths relative to the folder)."""
        if not self.prefix:
            return self.tree_of(commit)
        try:
            return self.git("rev-parse", "--verify", "-q", f"{commit}:{self.prefix}").strip()
        except GitFailed:
            return EMPTY_TREE

    def nest(self, tree: str, base: str | None, index: Path) -> str:
        """A tree of the whole repository: `base`'s, with the target folder's content
        replaced by `tree` (the target folder's own tree when it is the root)."""
        if not self.prefix:
            return tree
        env = {"GIT_INDEX_FILE": str(index)}
        index.unlink(missing_ok=True)
        try:
            self.git("read-tree", base or "--empty", env=env)
            self.git("rm", "-r", "-q", "--cached", "--ignore-unmatch", "--", ".", env=env)
            self.git("read-tree", f"--prefix={self.prefix}/", tree, env=env)
            return self.git("write-tree", env=env).strip()
        finally:
            index.unlink(missing_ok=True)

    def blobs(self, ids: list[str]) -> dict[str, bytes]:
        """The bytes of git blobs (one `cat-file --batch` for all)."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        out = self.run_git("cat-file", "--batch", input=("\n".join(wanted) + "\n").encode())
        result: dict[str, bytes] = {}
        position = 0
        for blob in wanted:
            header_end = out.index(b"\n", position)
            header = out[position:header_end].split()
            if len(header) < 3:
                raise GitFailed(f"git cat-file: object {blob} is missing")
            size = int(header[2])
            result[blob] = out[header_end + 1: header_end + 1 + size]
            position = header_end + 1 + size + 1
        return result

    def missing(self, ids: list[str]) -> list[str]:
        """The objects of `ids` the object store no longer has (pruned by `git gc`)."""
        wanted = sorted(set(ids))
        if not wanted:
            return []
        out = self.git("cat-file", "--batch-check", input=("\n".join(wanted) + "\n").encode())
        return [line.split()[0] for line in out.splitlines() if line.endswith(" missing")]

    def has_identity(self) -> bool:
        try:
            self.git("var", "GIT_COMMITTER_IDENT")
            self.git("var", "GIT_AUTHOR_IDENT")
            return True
        except GitFailed:
            return False


def valid_branch_name(repo: Repo, name: str) -> None:
    """Refuse a name git would not take for a new branch, or would read as something else:
    `check-ref-format --branch` must accept it as it is (it expands `@{-1}` to the branch
    checked out before), and `@` alone means HEAD on git's command line."""
    try:
        spelled = repo.git("check-ref-format", "--branch", name).strip()
    except GitFailed:
        spelled = None
    if spelled != name or name == "@":
        why = "git reads `@` as HEAD" if name == "@" else \
            "git reads it as another branch, " + repr(spelled) if spelled else \
            "`git check-ref-format --branch` refuses it"
        raise UsageError(f"{name!r} is not a valid branch name: {why}; nothing was run",
                         "pass a valid one with --branch NAME")


def check_branch_name(repo: Repo, name: str) -> None:
    valid_branch_name(repo, name)
    if repo.ref(f"refs/heads/{name}"):
        raise PreflightError(f"branch {name!r} already exists",
                             "choose another with --branch NAME or delete it")


def attempt_changes(repo: Repo, checkpoint: str) -> tuple[Changes, str, str]:
    """Changes, unified patch and tree of the target folder against the checkpoint."""
    from migrator.checkpoint import Checkpoint

    return Checkpoint(repo).compare_now(checkpoint)


def commit_on_branch(repo: Repo, branch: str, message: str, paths: list[str]) -> str:
    """A commit of HEAD plus the run's changes to `paths` (target-relative), on a new branch
    that HEAD then points to. Nothing else the tree holds (uncommitted work, untracked
    files) goes in; the working tree is not touched, and only the index entries of `paths`
    change (to the commit's), so what the user had staged stays staged."""
    index = repo.state_dir / "commit.index"
    index.unlink(missing_ok=True)
    listed = "\0".join(paths).encode("utf-8", "surrogateescape") + b"\0"
    env = {"GIT_INDEX_FILE": str(index), "GIT_LITERAL_PATHSPECS": "1"}
    try:
        head = repo.head()
        repo.git("read-tree", *([head] if head else ["--empty"]), env=env)
        if paths:
            repo.git("add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul", env=env,
                     input=listed)
        tree = repo.git("write-tree", env=env).strip()
    finally:
        index.unlink(missing_ok=True)
    identity = {} if repo.has_identity() else IDENTITY
    commit = repo.git("commit-tree", tree, *(["-p", head] if head else []), "-m", message,
                      env=identity).strip()
    repo.git("update-ref", f"refs/heads/{branch}", commit, "")
    repo.git("symbolic-ref", "HEAD", f"refs/heads/{branch}")
    if paths:
        repo.git("reset", "-q", commit, "--pathspec-from-file=-", "--pathspec-file-nul",
                 env={"GIT_LITERAL_PATHSPECS": "1"}, input=listed)
    with contextlib.suppress(GitFailed):  # stat data only; a file that differs shows modified
        repo.git("update-index", "-q", "--refresh")
    return commit
