"""Everything a user can get wrong, one class each, with the exit code it ends the run with.

Read this module as the list of what can go wrong. Every message is one line that says
what is wrong and what to do; the CLI prints it without a traceback.
"""

from __future__ import annotations


class MigratorError(Exception):
    """Base of every user-facing failure."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


# -- exit 1: verification ----------------------------------------------------------------
class VerificationFailed(MigratorError):
    exit_code = 1


# -- exit 2: bad usage or plan ------------------------------------------------------------
class UsageError(MigratorError):
    exit_code = 2


class PlanError(MigratorError):
    """The plan file is malformed: message is `plan.yaml:LINE: key: what was expected`."""

    exit_code = 2


# -- exit 3: preflight refused ------------------------------------------------------------
class PreflightError(MigratorError):
    exit_code = 3


class PathEscapesTarget(PreflightError):
    """A plan path leaves the target (`..`, absolute, or a symlink pointing out)."""


# -- exit 4: a step failed ----------------------------------------------------------------
class StepFailed(MigratorError):
    exit_code = 4


class CodemodParseError(StepFailed):
    """A Python file does not parse; nothing was written."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(
            f"{path}:{line}: cannot parse: {message}",
            "fix the syntax error or exclude the file, then run again; nothing was written",
        )
        self.path = path
        self.line = line


# -- the engine's own refusals ------------------------------------------------------------
class NotAGitRepository(PreflightError):
    """The target is not the root of a git repository."""


class DirtyTree(PreflightError):
    """The target has uncommitted changes and `--allow-dirty` was not given."""


class HalfApplied(PreflightError):
    """An earlier run stopped half way; its journal is still under `.git/migrator/`."""


class CommitsOnTop(PreflightError):
    """Commits were added on top of the migration (or its branch was reset); rollback needs
    `--force`."""


class HeadElsewhere(PreflightError):
    """Another branch (or a detached HEAD) is checked out instead of the migration's branch;
    rollback needs that branch checked out again, or `--force`."""


class ChangedAfterRun(PreflightError):
    """Files git sees were changed or made after the migration; rollback needs `--force`,
    which saves them as a patch first."""


class CheckpointWithoutJournal(PreflightError):
    """A checkpoint ref is left without its journal: the last way back, never deleted."""


class CheckpointGone(PreflightError):
    """The checkpoint's ref was deleted and `git gc` pruned bytes rollback needs: the run
    cannot be rolled back; nothing is changed."""


class RunLocked(PreflightError):
    """Another migrate process is applying, rolling back, verifying or dry-running here."""


class Interrupted(MigratorError):
    """Ctrl-C: the run stopped after cleaning up (exit 130, the shell's convention)."""

    exit_code = 130


class Terminated(Interrupted):
    """SIGTERM: the same cleanup as Ctrl-C (exit 143, the shell's convention)."""

    exit_code = 143


class AlreadyApplied(PreflightError):
    """The same plan is already applied to the target and can still be rolled back."""
