"""Apply codemods to a target's Python files.

Lists the files with git (tracked plus untracked, not ignored), skips files no codemod
may apply to, parses the rest, and writes only what changed, keeping encoding and
newlines. A file that does not parse fails the run before anything is written.
"""

from __future__ import annotations

import fnmatch
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from migrator.codemods.base import Codemod, module_name_for
from migrator.errors import CodemodParseError


@dataclass
class CodemodReport:
    changed: dict[str, dict[str, int]] = field(default_factory=dict)
    """path -> {codemod name: rewrites} for every file that changed."""
    files_seen: int = 0
    files_parsed: int = 0


def list_python_files(root: Path) -> list[str]:
    """Tracked and untracked-but-not-ignored `.py` files, target-relative posix paths."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.py"],
        cwd=root, capture_output=True, check=True,
    ).stdout
    paths = sorted({p for p in out.decode("utf-8").split("\0") if p})
    return [p for p in paths if (root / p).is_file()]


def _selected(codemod: Codemod, path: str) -> bool:
    globs = codemod.config.files
    return globs is None or any(fnmatch.fnmatch(path, g) for g in globs)


def run_codemods(root: Path, codemods: list[Codemod], *, write: bool = True) -> CodemodReport:
    """Apply `codemods` in order to every Python file under `root`."""
    report = CodemodReport()
    pending: dict[str, tuple[bytes, str]] = {}
    for path in list_python_files(root):
        report.files_seen += 1
        raw = (root / path).read_bytes()
        source = raw.decode("utf-8")
        applicable = [c for c in codemods if _selected(c, path) and c.may_apply(source)]
        if not applicable:
            continue
        try:
            module = cst.parse_module(raw)
        except cst.ParserSyntaxError as exc:
            raise CodemodParseError(path, exc.raw_line, exc.message) from None
        report.files_parsed += 1
        counts: dict[str, int] = {}
        file = module_name_for(path)
        for codemod in applicable:
            module, n = codemod.transform(module, file)
            if n:
                counts[codemod.name] = counts.get(codemod.name, 0) + n
        new = module.bytes
        if new != raw:
            pending[path] = (new, path)
            report.changed[path] = counts
    if write:
        for path, (new, _) in pending.items():
            (root / path).write_bytes(new)
    return report
