"""One migrate process at a time per worktree: an `flock` on the worktree's git folder.

`apply`, `rollback` and `verify` hold it exclusively from before preflight to the end (the
automatic rollback included); a dry run or `plan --target` holds it shared. The lock is
taken on the git folder itself, so taking it writes nothing (a refused run leaves `.git`
byte for byte as it was), and the kernel releases it when the holder dies, even by kill -9.
A refused process exits 3 and names the holder: its pid and command line.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shlex
from collections.abc import Iterator
from pathlib import Path

from migrator.errors import RunLocked
from migrator.workspace import Repo


@contextlib.contextmanager
def locked(repo: Repo, *, shared: bool = False) -> Iterator[None]:
    path = repo.lock_path
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunLocked(f"another migrate process ({holder(path)}) is using this target",
                            "wait for it to finish, or stop it: Ctrl-C rolls back by itself"
                            ) from None
        yield
    finally:
        os.close(fd)


def holder(path: Path) -> str:
    """`pid N: COMMAND` of a process holding the lock on `path`, from /proc (Linux)."""
    pids = _lock_holders(path)
    if not pids:
        return "pid unknown"
    return f"pid {pids[0]}: {_cmdline(pids[0])}"


def _lock_holders(path: Path) -> list[int]:
    """Pids holding an flock on `path`, from /proc/locks; [] where there is none."""
    try:
        info = os.stat(path)
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return []
    wanted = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    pids = []
    for line in lines:
        fields = line.split()
        if "->" in fields or len(fields) < 6 or fields[1] != "FLOCK":
            continue
        if fields[5].lower() == wanted:
            pids.append(int(fields[4]))
    return pids


def _cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "command unknown"
    args = [part.decode(errors="replace") for part in raw.split(b"\0") if part]
    if len(args) > 1 and args[1].endswith(("/migrate", "migrator/__main__.py")):
        args = ["migrate", *args[2:]]  # `python .../bin/migrate ARGS` reads as `migrate ARGS`
    elif len(args) > 2 and args[1] == "-m" and args[2] == "migrator":
        args = ["migrate", *args[3:]]
    return shlex.join(args)
