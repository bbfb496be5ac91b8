"""The journal: what an apply has done so far, written (and fsync'd) before and after each
step, read back by `status`, `rollback` and the next `apply`.

A journal that is not what this module writes (wrong field types, a folder in its place,
JSON nested past reason, bytes that are not UTF-8) is refused with one line naming it.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from migrator.errors import PreflightError

State = Literal["starting", "running", "applied", "kept-failed", "rolling-back"]
UNFINISHED_STATES = ("starting", "running", "rolling-back", "kept-failed")
MAX_JOURNAL_BYTES = 1 << 20


class Journal(BaseModel):
    """One run on one target folder."""

    model_config = ConfigDict(extra="forbid", strict=True, validate_assignment=False)

    plan_name: str
    plan_path: str
    target: str
    steps: list[str]
    state: State = "starting"
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
    rolling_back_from: State | None = None
    """The state a rollback started from (a rollback cut short resumes with its rules)."""
    user_patch: str | None = None
    """Where `rollback --force` saved the changes made after the run before discarding them."""
    started_at: float = Field(default_factory=time.time)
    pid: int = Field(default_factory=os.getpid)
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
    def path(state_dir: Path) -> Path:
        return state_dir / "journal.json"

    def write(self, state_dir: Path) -> None:
        write_durably(self.path(state_dir), self.model_dump_json(indent=2).encode())

    @classmethod
    def read(cls, state_dir: Path) -> Journal | None:
        path = cls.path(state_dir)
        if not os.path.lexists(path):
            return None
        hint = "inspect it; delete it only if you know the tree is right"
        try:
            if path.is_symlink() or not path.is_file():
                raise PreflightError(f"the journal {path} is not a file", hint)
            if path.stat().st_size > MAX_JOURNAL_BYTES:
                raise PreflightError(f"the journal {path} is too large to be a journal", hint)
            return cls.model_validate_json(path.read_bytes())
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(part) for part in error["loc"]) or "journal"
            raise PreflightError(f"the journal {path} is unreadable ({where}: {error['msg']})",
                                 hint) from None
        except (OSError, RecursionError, ValueError) as exc:
            raise PreflightError(f"the journal {path} is unreadable ({type(exc).__name__})",
                                 hint) from None

    @classmethod
    def clear(cls, state_dir: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            cls.path(state_dir).unlink()
        fsync_dir(state_dir)


def write_durably(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves the old or the new file, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def read_json(path: Path) -> object | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
