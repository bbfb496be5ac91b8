"""Benchmark the `move` codemod runner against LibCST's RenameCommand and a parse-only bound.

    .venv/bin/python bench/codemods.py            # the 1,000-file tree
    .venv/bin/python bench/codemods.py --large    # also the 5,000-file tree (RenameCommand ~6 min)

Each tree is built from real Python files (the fixture app's when present, then the
virtualenv's installed packages), with 4% of the files importing the moved module
`app.services.s3_service` (as `from ... import S3Service` or `import ...` plus an
attribute chain). Every tool starts from its own fresh copy of the tree. Timed:

- ours: the `codemod` plan step (`migrator.steps.codemod.CodemodStep.apply`), i.e. the
  registry, the runner (git listing, prefilter, pool) and the writes;
- RenameCommand: `python -m libcst.tool codemod -j 2 --no-format rename.RenameCommand`;
- parse-only: read + `libcst.parse_module` of just the files that need a change, in
  one process and in a pool of 2 (the lower bounds).

Prints the times, the ratios, and whether both tools changed the same files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import libcst as cst

REPO = Path(__file__).resolve().parent.parent
OLD, NEW = "app.services.s3_service", "common.storage.s3_service"
SHARE = 0.04
MIN_BYTES, MAX_BYTES = 200, 12_000
"""Application-sized modules (the issue's trees parse at ~4 ms a file)."""
FORMS = (
    "\n\nfrom app.services.s3_service import S3Service\n\n_storage = S3Service\n",
    "\n\nfrom app.services.s3_service import S3Service\n\n_storage = S3Service\n",
    "\n\nfrom app.services.s3_service import S3Service\n\n_storage = S3Service\n",
    "\n\nimport app.services.s3_service\n\n_storage = app.services.s3_service.S3Service\n",
)


def source_files() -> list[Path]:
    """Real Python files that compile, fixture first, then installed packages, stable order."""
    roots = [REPO / "fixtures" / "electronics-inventory", Path(sysconfig.get_paths()["purelib"])]
    out: list[Path] = []
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*.py")):
            if path.is_symlink() or "s3_service" in path.name:
                continue
            try:
                raw = path.read_bytes()
            except OSError:
                continue
            if not MIN_BYTES <= len(raw) <= MAX_BYTES or b"s3_service" in raw:
                continue
            try:
                compile(raw, str(path), "exec", dont_inherit=True)
            except (SyntaxError, ValueError):
                continue
            out.append(path)
    return out


def build_tree(root: Path, count: int, sources: list[Path]) -> list[str]:
    """Lay out `count` files under `root` (a git repo); returns the files that import OLD."""
    step = max(1, len(sources) // count)
    picked = sources[::step][:count]
    every = round(1 / SHARE)
    needing: list[str] = []
    for i, source in enumerate(picked):
        rel = f"pkg{i // 100:02}/m{i:05}.py"
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_bytes()
        if i % every == every // 2:
            form = FORMS[(i // every) % len(FORMS)]
            if not text.endswith(b"\n"):
                text += b"\n"
            text += form.encode()
            try:
                cst.parse_module(text)
            except cst.ParserSyntaxError:
                text = form.encode()
            needing.append(rel)
        target.write_bytes(text)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return needing


def changed_files(base: Path, tree: Path) -> set[str]:
    out = set()
    for path in base.rglob("*.py"):
        rel = path.relative_to(base).as_posix()
        if (tree / rel).read_bytes() != path.read_bytes():
            out.add(rel)
    return out


def run_ours(tree: Path) -> float:
    from migrator.steps.base import StepContext
    from migrator.steps.codemod import CodemodStep

    step = CodemodStep.model_validate({"codemod": "move", "moves": {OLD: NEW}})
    start = time.perf_counter()
    step.apply(StepContext(root=tree, plan_dir=tree, target=tree))
    return time.perf_counter() - start


def run_libcst(tree: Path) -> float:
    cmd = [
        # the command goes first: libcst.tool's first pass would take `2` for it
        sys.executable,
        "-m",
        "libcst.tool",
        "codemod",
        "rename.RenameCommand",
        "-j",
        "2",
        "--no-format",
        "--hide-progress",
        "--old_name",
        OLD,
        "--new_name",
        NEW,
        ".",
    ]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=tree, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    summary = [ln for ln in done.stderr.splitlines() if ln.strip()][-6:]
    print("  RenameCommand: " + " | ".join(summary))
    return elapsed


def _parse(path: str) -> int:
    return len(cst.parse_module(Path(path).read_bytes()).body)


def run_parse_only(tree: Path, needing: list[str], jobs: int) -> float:
    paths = [str(tree / rel) for rel in needing]
    start = time.perf_counter()
    if jobs == 1:
        for path in paths:
            _parse(path)
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(_parse, paths, chunksize=max(1, len(paths) // (jobs * 4))))
    return time.perf_counter() - start


def bench(count: int, sources: list[Path], workdir: Path) -> dict[str, float]:
    base = workdir / f"base{count}"
    needing = build_tree(base, count, sources)
    ours_tree, libcst_tree = workdir / f"ours{count}", workdir / f"libcst{count}"
    for tree in (ours_tree, libcst_tree):
        shutil.copytree(base, tree, symlinks=True)

    ours = run_ours(ours_tree)
    theirs = run_libcst(libcst_tree)
    parse_1 = run_parse_only(base, needing, 1)
    parse_2 = run_parse_only(base, needing, 2)
    ours_changed = changed_files(base, ours_tree)
    theirs_changed = changed_files(base, libcst_tree)

    print(f"\n== {count} files, {len(needing)} import {OLD} ({len(needing) / count:.1%})")
    print(f"ours (codemod step, pool)        {ours:8.2f} s   changed {len(ours_changed)}")
    print(f"libcst RenameCommand -j 2        {theirs:8.2f} s   changed {len(theirs_changed)}")
    print(f"parse-only, changed files, 1 proc {parse_1:7.2f} s")
    print(f"parse-only, changed files, 2 proc {parse_2:7.2f} s")
    print(f"RenameCommand / ours             {theirs / ours:8.1f}x  (target >= 10x on 5,000)")
    print(f"ours / parse-only (1 proc)       {ours / parse_1:8.2f}x  (target <= 3x on 5,000)")
    print(f"ours / parse-only (2 proc)       {ours / parse_2:8.2f}x")
    same = ours_changed == theirs_changed == set(needing)
    print(f"same files changed by both, and exactly the ones importing {OLD}: {same}")
    if not same:
        print(f"  only ours: {sorted(ours_changed - theirs_changed)[:10]}")
        print(f"  only RenameCommand: {sorted(theirs_changed - ours_changed)[:10]}")
        print(f"  missed by ours: {sorted(set(needing) - ours_changed)[:10]}")
    return {"ours": ours, "libcst": theirs, "parse_1": parse_1, "parse_2": parse_2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also the 5,000-file tree")
    parser.add_argument("--keep", action="store_true", help="keep the trees (path printed)")
    args = parser.parse_args()
    sources = source_files()
    print(f"{len(sources)} candidate source files; {os.cpu_count()} CPUs")
    workdir = Path(tempfile.mkdtemp(prefix="bench-codemods-"))
    try:
        for count in (1000, 5000) if args.large else (1000,):
            bench(count, sources, workdir)
    finally:
        if args.keep:
            print(f"trees kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
