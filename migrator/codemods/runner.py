"""Apply codemods to a target's Python files (and the text files a codemod asks for).

Lists the files with git (tracked plus untracked, not ignored), skips files no codemod
may apply to (a substring test on the raw text, then the codemod's own finer test before
the LibCST parse, such as a look at Python's `ast`), parses the rest, applies the
codemods in order (each sees the previous one's output), and writes only what changed,
keeping encoding and newlines. Many candidate files go to a process pool in chunks; a few
are done in-process. A file that does not parse fails the whole run before anything is
written.
"""

from __future__ import annotations

import ast
import contextlib
import ctypes
import multiprocessing
import os
import signal
import subprocess
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import libcst as cst

from migrator.codemods.base import Codemod, CodemodRefused, glob_matches, module_name_for
from migrator.errors import CodemodParseError, StepFailed
from migrator.paths import detach

POOL_THRESHOLD = 16
"""Candidate files below which the pool's start-up costs more than it saves."""

CHUNKS_PER_WORKER = 4


@dataclass
class CodemodReport:
    changed: dict[str, dict[str, int]] = field(default_factory=dict)
    """path -> {codemod name: rewrites} for every file that changed."""
    files_seen: int = 0
    files_parsed: int = 0
    skipped_links: list[str] = field(default_factory=list)
    """Symlinked `.py` files: never written through (a link's target, when it is in the tree,
    is rewritten under its own path)."""

    @property
    def rewrites(self) -> dict[str, int]:
        """Codemod name -> rewrites over all files."""
        totals: dict[str, int] = {}
        for counts in self.changed.values():
            for name, n in counts.items():
                totals[name] = totals.get(name, 0) + n
        return totals


@dataclass(frozen=True)
class _FileResult:
    path: str
    new: bytes | None
    """The rewritten file, None when unchanged."""
    counts: dict[str, int]
    parse_error: tuple[int, str] | None = None
    """(line, message) when the file does not parse."""
    crash: str | None = None
    """A codemod raised: the error text (a bug in the codemod, reported with the file)."""
    parsed: bool = True
    """False when every codemod ruled the file out before a parse (`worth_parsing`)."""


def list_python_files(root: Path) -> list[str]:
    """Tracked and untracked-but-not-ignored `.py` files, target-relative posix paths."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.py"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout
    paths = sorted({p for p in out.decode("utf-8").split("\0") if p})
    return [p for p in paths if (root / p).is_file()]


def transform_text_files(root: Path, codemods: Sequence[Codemod]) -> list[_FileResult]:
    """The non-Python files the codemods ask for (`Codemod.text_globs`), rewritten as text.

    Files that are not UTF-8 are left alone (they are not text a dotted name lives in).
    """
    if not any(c.text_globs() for c in codemods):
        return []
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout
    results = []
    for path in sorted({p for p in out.decode("utf-8").split("\0") if p}):
        wanted = [
            c
            for c in codemods
            if not path.endswith(".py") and any(glob_matches(g, path) for g in c.text_globs())
        ]
        if not wanted or not (root / path).is_file():
            continue
        raw = (root / path).read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        counts: dict[str, int] = {}
        for codemod in wanted:
            text, n = codemod.transform_text(text, path)
            if n:
                counts[codemod.name] = counts.get(codemod.name, 0) + n
        new = text.encode("utf-8")
        results.append(_FileResult(path, new if new != raw else None, counts, parsed=False))
    return results


def run_codemods(
    root: Path, codemods: list[Codemod], *, write: bool = True, jobs: int | None = None
) -> CodemodReport:
    """Apply `codemods` in order to every Python file under `root`.

    `jobs`: worker processes (default: CPU count); 1 keeps everything in-process.
    Raises CodemodParseError (nothing written) if a candidate file does not parse.
    """
    report = CodemodReport()
    candidates: list[tuple[str, bytes]] = []
    paths = list_python_files(root)
    for codemod in codemods:
        codemod.prepare(paths)
    for path in paths:
        if (root / path).is_symlink():
            report.skipped_links.append(path)
            continue
        report.files_seen += 1
        if not any(c.selects(path) for c in codemods):
            continue
        raw = (root / path).read_bytes()
        text = raw.decode("utf-8", "replace")
        if any(c.selects(path) and c.may_apply(text) for c in codemods):
            candidates.append((path, raw))
    results = _process(candidates, codemods, jobs)
    report.files_parsed = sum(r.parsed for r in results)
    results += transform_text_files(root, codemods)
    failures = sorted((r for r in results if r.parse_error or r.crash), key=lambda r: r.path)
    if failures:
        first = failures[0]
        if first.parse_error is not None:
            line, message = first.parse_error
            raise CodemodParseError(first.path, line, message)
        raise StepFailed(f"{first.path}: {first.crash}", "nothing was written")
    pending = sorted((r for r in results if r.new is not None), key=lambda r: r.path)
    for result in pending:
        report.changed[result.path] = result.counts
    if write:
        for result in pending:
            assert result.new is not None
            detach(root / result.path)  # never through a hard link to elsewhere
            (root / result.path).write_bytes(result.new)
    return report


def _process(
    candidates: list[tuple[str, bytes]], codemods: list[Codemod], jobs: int | None
) -> list[_FileResult]:
    workers = jobs or os.cpu_count() or 1
    if workers <= 1 or len(candidates) < POOL_THRESHOLD:
        return transform_files(codemods, candidates)
    size = max(1, -(-len(candidates) // (workers * CHUNKS_PER_WORKER)))
    chunks = [candidates[i : i + size] for i in range(0, len(candidates), size)]
    context = _pool_context()
    parent = os.getpid() if context.get_start_method() != "forkserver" else None
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=_die_with_parent, initargs=(parent,)) as pool:
        futures = [pool.submit(transform_files, codemods, chunk) for chunk in chunks]
        return [r for f in futures for r in f.result()]


def _die_with_parent(parent: int | None) -> None:
    """Pool initializer: a worker is killed when its parent dies, even by kill -9, so no
    worker outlives `migrate` holding its output pipe (Linux; elsewhere a no-op)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if parent is not None and os.getppid() != parent:  # it died before the line above
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _pool_context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    # fork starts workers in milliseconds, but is only safe while no other thread runs
    # (a progress display's thread may hold a lock the child would inherit locked)
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["migrator.codemods.runner"])
        return ctx
    return multiprocessing.get_context("spawn")


def transform_files(
    codemods: Sequence[Codemod], files: Sequence[tuple[str, bytes]]
) -> list[_FileResult]:
    """Parse and transform each (path, raw bytes); pure, so it runs in a worker as well."""
    return [_transform_file(codemods, path, raw) for path, raw in files]


def _transform_file(codemods: Sequence[Codemod], path: str, raw: bytes) -> _FileResult:
    file = module_name_for(path, codemods[0].source_roots if codemods else ())
    text: str | None = raw.decode("utf-8", "replace")
    module: cst.Module | None = None
    counts: dict[str, int] = {}
    changed = False
    for codemod in codemods:
        if not codemod.selects(path):
            continue
        if text is None:
            assert module is not None
            text = module.code
        if not codemod.may_apply(text):
            continue
        if module is None:
            if not codemod.worth_parsing(text, file):
                continue
            try:
                module = cst.parse_module(raw)
            except cst.ParserSyntaxError as exc:
                return _FileResult(path, None, {}, parse_error=_syntax_error(raw, exc))
            except (UnicodeDecodeError, SyntaxError, LookupError) as exc:
                return _FileResult(path, None, {}, parse_error=(1, str(exc)))
        try:
            new, n = codemod.transform(module, replace(file, text=text))
        except CodemodRefused as exc:
            return _FileResult(path, None, {}, crash=f"codemod {codemod.name}: {exc}")
        except Exception as exc:  # noqa: BLE001 - reported with the file it happened on
            return _FileResult(path, None, {}, crash=f"codemod {codemod.name} failed: {exc!r}")
        if n:
            counts[codemod.name] = counts.get(codemod.name, 0) + n
        if new is not module:
            module = new
            text = None
            changed = True
    if module is None:
        return _FileResult(path, None, {}, parsed=False)
    if not changed:
        return _FileResult(path, None, {})
    new_bytes = module.bytes
    if new_bytes == raw:
        return _FileResult(path, None, {})
    return _FileResult(path, new_bytes, counts)


def _syntax_error(raw: bytes, exc: cst.ParserSyntaxError) -> tuple[int, str]:
    """Python's own line and message when it rejects the file too (they read better)."""
    try:
        compile(raw, "<file>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as py_exc:
        return py_exc.lineno or exc.raw_line, py_exc.msg
    except ValueError:
        pass
    return exc.raw_line, exc.message
