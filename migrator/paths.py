"""Plan paths stay inside the target: one check, used by preflight, by every step and by
rollback.

A path is refused when it is absolute, climbs out with `..`, names the target itself,
names `.git` in any spelling git refuses or folds (`.GIT`, `.git `, `GIT~1`, with HFS's
ignorable characters), lies inside a nested git repository or submodule, or resolves
through a symlink to somewhere outside the target.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path, PurePosixPath

from migrator.errors import PathEscapesTarget

# Code points HFS+ ignores in names, so `.g\u200cit` is `.git` there (git refuses them too).
_HFS_IGNORABLE = re.compile("[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]")


def is_git_name(part: str) -> bool:
    """Whether a path component is `.git` as git (or an NTFS/HFS file system) would read it."""
    folded = _HFS_IGNORABLE.sub("", part).rstrip(" .").casefold()
    return folded in (".git", "git~1")


def inside_target(root: Path, rel: str, *, what: str = "path") -> Path:
    """`root / rel`, refusing anything that is not a path strictly inside the target."""
    pure = PurePosixPath(rel.replace("\\", "/"))
    if "\0" in rel:
        raise PathEscapesTarget(f"{what} {rel!r} holds a NUL character",
                                "plan paths are plain relative paths")
    if pure.is_absolute() or rel.startswith("~") or (len(rel) > 1 and rel[1] == ":"):
        raise PathEscapesTarget(f"{what} {rel!r} is absolute: it is not inside the target",
                                "plan paths are relative to the target")
    if ".." in pure.parts:
        raise PathEscapesTarget(f"{what} {rel!r} climbs out of the target with '..': it is not "
                                "inside the target", "use a path relative to the target")
    if not pure.parts:
        raise PathEscapesTarget(f"{what} {rel!r} is the target itself",
                                "name the files or folders inside the target")
    if any(is_git_name(part) for part in pure.parts):
        raise PathEscapesTarget(f"{what} {rel!r} is inside .git; plans may not write there")
    nested = nested_repository(root, pure)
    if nested is not None:
        raise PathEscapesTarget(f"{what} {rel!r} is inside {nested}, a submodule or nested git "
                                "repository; the migrator does not write into another repository")
    real_root = root.resolve()
    resolved = resolve(real_root / pure, f"{what} {rel!r}")
    if resolved == real_root or real_root not in resolved.parents:
        raise PathEscapesTarget(f"{what} {rel!r} resolves to {resolved} through a symlink, "
                                "outside the target", "remove the symlink or change the path")
    real = PurePosixPath(resolved.relative_to(real_root).as_posix())
    if real != pure:  # through a symlink: where it lands must pass the same checks
        if any(is_git_name(part) for part in real.parts):
            raise PathEscapesTarget(f"{what} {rel!r} resolves to {real} through a symlink: "
                                    "inside .git; plans may not write there")
        nested = nested_repository(real_root, real)
        if nested is not None:
            raise PathEscapesTarget(f"{what} {rel!r} resolves to {real} through a symlink, "
                                    f"inside {nested}, a submodule or nested git repository; "
                                    "the migrator does not write into another repository")
    return root / pure


def touched_paths(root: Path, rel: str) -> list[str]:
    """The target-relative paths a change at `rel` (already checked by `inside_target`)
    reaches, in the spellings the folder's scans use: `rel` normalised (`./.env`, `app//x`
    are `.env`, `app/x`), with its folders' symlinks resolved (`link/.env` is
    `real/.env`), and fully resolved (a write follows a final symlink). Whoever saves
    files before a change must save all of them."""
    pure = PurePosixPath(rel.replace("\\", "/"))
    real_root = root.resolve()
    found = [pure.as_posix()]
    parent = (real_root / pure.parent).resolve()
    for path in (parent / pure.name, (real_root / pure).resolve()):
        if path != real_root and real_root in path.parents:
            found.append(path.relative_to(real_root).as_posix())
    return list(dict.fromkeys(found))


def resolve(path: Path, what: str) -> Path:
    """`path.resolve()`, with a symlink loop refused as a path that leaves the target."""
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop (RuntimeError before 3.13)
        raise PathEscapesTarget(f"{what} cannot be resolved: {_reason(exc)}",
                                "remove the symlink loop or change the path") from None


def detach(path: Path) -> None:
    """Give a hard-linked file its own inode (same bytes and mode) before it is written in
    place, so the write cannot reach the file's other names, which may lie outside the
    target; rollback puts back bytes, not the other names' inode."""
    try:
        info = path.lstat()
    except OSError:
        return
    if not stat.S_ISREG(info.st_mode) or info.st_nlink < 2:
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".migrate", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle, open(path, "rb") as source:
            shutil.copyfileobj(source, handle)
        os.chmod(tmp, stat.S_IMODE(info.st_mode))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _reason(exc: OSError | RuntimeError) -> str:
    if isinstance(exc, OSError) and exc.errno != errno.ELOOP and exc.strerror:
        return exc.strerror.lower()
    return "a symlink loop"


def repository_below(root: Path, rel: str) -> str | None:
    """A submodule or nested git repository somewhere below the folder `rel` (a folder
    the migrator would remove as a whole), or None. Symlinks are not followed."""
    top = root / rel
    if top.is_symlink() or not top.is_dir():
        return None
    for folder, dirs, files in os.walk(top):
        if ".git" in dirs or ".git" in files:
            return Path(folder).relative_to(root).as_posix()
    return None


def nested_repository(root: Path, rel: PurePosixPath) -> str | None:
    """The folder of `rel` (or `rel` itself) below `root` that holds its own `.git`."""
    folder = root
    for depth, part in enumerate(rel.parts):
        folder = folder / part
        if folder.is_symlink() or not folder.is_dir():
            return None
        if (folder / ".git").exists():
            return "/".join(rel.parts[: depth + 1])
    return None
