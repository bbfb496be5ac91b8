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
