"""HEAD and branches around a rollback: where the migration left HEAD, what moved it since
(another branch checked out, commits added on top, the branch reset), and putting HEAD
and the branch back, keeping commits made since on a branch it names."""

from __future__ import annotations

from migrator.errors import CommitsOnTop, HeadElsewhere, PreflightError
from migrator.journal import Journal
from migrator.workspace import GitFailed, Repo


def migration_heads(repo: Repo, journal: Journal) -> set[str | None]:
    """Commits HEAD may be at with nothing added on top (a crash may fall mid-commit)."""
    heads = {journal.created_commit or journal.head}
    if journal.created_branch and journal.created_commit is None:
        heads.add(journal.head)
        now = repo.head()
        if now and repo.ref(f"{now}^") == journal.head:
            heads.add(now)
    return heads


def head_moved(repo: Repo, journal: Journal) -> PreflightError | None:
    """Why HEAD is not where the migration left it (the refusal without --force), or None."""
    left_on = journal.created_branch if journal.created_commit else journal.branch
    branches = {journal.created_branch} if journal.created_commit else \
        {b for b in (journal.branch, journal.created_branch) if b}
    now, on = repo.head(), repo.branch()
    force = ("`migrate rollback --force` rolls back from here anyway: HEAD goes back to "
             f"{_before(journal)} and commits made since stay on a branch it names")
    if branches and on not in branches:
        where = f"branch {on} is checked out" if on else \
            f"HEAD is detached at {(now or 'unborn')[:12]}"
        return HeadElsewhere(
            f"{where}, not the migration's branch {left_on}",
            f"`git checkout {left_on}` and run `migrate rollback` again, or {force}")
    if now in migration_heads(repo, journal):
        return None
    expected = journal.created_commit or journal.head
    branch = f"branch {on}" if on else "HEAD"
    if expected and now and _is_ancestor(repo, expected, now):
        return CommitsOnTop(
            f"commits were added on top of the migration ({branch} is at {now[:12]}, the "
            f"migration left {expected[:12]})",
            "`migrate rollback --force` restores the checkpoint anyway and keeps those "
            "commits on a branch it names")
    return CommitsOnTop(
        f"{branch} was moved to {(now or 'unborn')[:12]} (reset or rewritten), away from the "
        f"commit the migration left ({(expected or 'unborn')[:12]})",
        f"`git reset` it back to {(expected or 'unborn')[:12]} and run `migrate rollback` "
        f"again, or {force}")


def _before(journal: Journal) -> str:
    if journal.branch:
        return f"branch {journal.branch} at {(journal.head or 'unborn')[:12]}"
    return f"commit {(journal.head or 'unborn')[:12]} (detached)"


def _is_ancestor(repo: Repo, old: str, new: str) -> bool:
    try:
        repo.git("merge-base", "--is-ancestor", old, new)
    except GitFailed:
        return False
    return True


def restore_head(repo: Repo, journal: Journal) -> str | None:
    """Put HEAD and the branch back; commits made on top stay on a new branch, named."""
    kept: str | None = None
    ours = migration_heads(repo, journal) | {journal.created_commit}
    if journal.branch:
        ref = f"refs/heads/{journal.branch}"
        current = repo.ref(ref)
        if current and current != journal.head and current not in ours:
            kept = _keep_on_branch(repo, journal.branch, current)
        if journal.head and current != journal.head:
            repo.git("update-ref", ref, journal.head)
        elif not journal.head and current:
            repo.git("update-ref", "-d", ref)
        repo.git("symbolic-ref", "HEAD", ref)
    elif journal.head:
        current = repo.head()
        if current and current != journal.head and current not in ours \
                and repo.branch() is None:
            kept = _keep_on_branch(repo, "detached", current)
        repo.git("update-ref", "--no-deref", "HEAD", journal.head)
    if journal.created_branch and journal.created_branch != journal.branch:
        ref = f"refs/heads/{journal.created_branch}"
        if repo.ref(ref) in ours:
            repo.git("update-ref", "-d", ref)
    return kept


def _keep_on_branch(repo: Repo, branch: str, commit: str) -> str:
    name = f"{branch}-before-rollback"
    n = 1
    while repo.ref(f"refs/heads/{name}"):
        n += 1
        name = f"{branch}-before-rollback-{n}"
    repo.git("update-ref", f"refs/heads/{name}", commit, "")
    return name
