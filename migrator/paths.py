"""Plan paths stay inside the target: one check, used by preflight and by every step."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from migrator.errors import PathEscapesTarget


def inside_target(root: Path, rel: str, *, what: str = "path") -> Path:
    """`root / rel`, refusing absolute paths, `..`, `.git` and symlinks that lead out."""
    pure = PurePosixPath(rel.replace("\\", "/"))
    if not rel or pure.is_absolute() or rel.startswith("~") or (len(rel) > 1 and rel[1] == ":"):
        raise PathEscapesTarget(f"{what} {rel!r} is absolute: it is not inside the target",
                                "plan paths are relative to the target")
    if ".." in pure.parts:
        raise PathEscapesTarget(f"{what} {rel!r} climbs out of the target with '..': it is not "
                                "inside the target", "use a path relative to the target")
    if pure.parts and pure.parts[0] == ".git":
        raise PathEscapesTarget(f"{what} {rel!r} is inside .git; plans may not write there")
    real_root = root.resolve()
    resolved = (real_root / pure).resolve()
    if resolved != real_root and real_root not in resolved.parents:
        raise PathEscapesTarget(f"{what} {rel!r} resolves to {resolved} through a symlink, "
                                "outside the target", "remove the symlink or change the path")
    return root / pure
