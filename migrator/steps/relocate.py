"""The `relocate` step: move modules and whole packages inside the app, and every reference.

    - relocate:
        app.services.task_service: app.tasks.service     # a module
        app.utils: app.core.utils                        # a whole package
    - relocate: {moves: {app.services.task_service: app.tasks.service}, name: ...}

One step does what a `command: [git, mv]` per file, a `write` per new `__init__.py` and a
`move` codemod did, and what they missed: destination packages that do not exist yet are
created (with an empty `__init__.py`), the files move with their bytes unchanged (git sees
renames), the moved files' own relative imports are re-anchored at their new place
(`migrator.codemods.relative_imports`), and every import, attribute chain and dotted string
naming an old path is rewritten by the `move` codemod. A package moves with every file git
lists in it (tracked, or untracked and not ignored); ignored files (`__pycache__/`) stay.

Refused before anything is written: a missing source, a destination that exists, two
sources with one destination, sources or destinations inside one another, and paths that
leave the target.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

import libcst as cst
from pydantic import Field, field_validator, model_validator

from migrator.codemods.base import module_name_for
from migrator.codemods.import_resolution import DOTTED, matches_prefix
from migrator.codemods.move import Move, MoveConfig, MoveTable
from migrator.codemods.names import dotted_map_schema, dotted_problem
from migrator.codemods.relative_imports import reanchor_relative_imports
from migrator.codemods.runner import run_codemods
from migrator.codemods.source_roots import source_roots
from migrator.errors import CodemodParseError, PreflightError
from migrator.paths import detach, inside_target
from migrator.steps.base import StepContext, StepModel, StepOutcome
from migrator.steps.registry import register_step


def module_path(dotted: str) -> str:
    """`a/b` for `a.b` (add `.py` for the module file, `/__init__.py` for the package)."""
    return dotted.replace(".", "/")


@dataclass(frozen=True)
class Relocation:
    """One entry of the step, resolved against the tree."""

    old: str
    new: str
    is_package: bool
    base: str = ""
    """The source root both paths lie under: "" (the target) or `src/` in a src layout."""

    @property
    def source(self) -> str:
        return self.base + module_path(self.old) + ("" if self.is_package else ".py")

    @property
    def destination(self) -> str:
        return self.base + module_path(self.new) + ("" if self.is_package else ".py")

    def path_of(self, dotted: str) -> str:
        """Where the module or package `dotted` is, under this move's source root."""
        return self.base + module_path(dotted)


def listed_files(root: Path, folder: str) -> list[str]:
    """Files git lists under `folder` (tracked, untracked and not ignored), posix, sorted."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", folder],
        cwd=root, capture_output=True, check=True,
    ).stdout.decode("utf-8", "surrogateescape")
    return sorted(p for p in set(out.split("\0")) if p and (root / p).is_file())


@register_step
class RelocateStep(StepModel):
    """Move the modules and packages `old.dotted: new.dotted`, rewriting every reference."""

    kind: ClassVar[str] = "relocate"
    shorthand: ClassVar[str] = "moves"

    moves: dict[str, str] = Field(min_length=1, json_schema_extra=dotted_map_schema())
    """Old dotted module or package -> its new dotted name."""

    @model_validator(mode="before")
    @classmethod
    def _bare_map(cls, value: Any) -> Any:
        """`relocate: {old: new, ...}`: the map itself, without the `moves:` key."""
        if isinstance(value, dict) and "moves" not in value:
            own = {k: v for k, v in value.items() if k in cls.model_fields}
            moves = {k: v for k, v in value.items() if k not in cls.model_fields}
            return {**own, "moves": moves} if moves else value
        return value

    @field_validator("moves")
    @classmethod
    def _dotted(cls, moves: dict[str, str]) -> dict[str, str]:
        for old, new in moves.items():
            for name in (old, new):
                if not isinstance(name, str) or not DOTTED.match(name):
                    raise ValueError(f"{name!r} is not a dotted module name like app.tasks.service")
                problem = dotted_problem(name)  # `app.class` matches DOTTED, never imports
                if problem is not None:
                    raise ValueError(problem)
            if matches_prefix(new, old) or matches_prefix(old, new):
                raise ValueError(f"{old} -> {new}: a module cannot move into itself or its package")
        return moves

    def title(self) -> str:
        if self.name:
            return self.name
        (old, new), *more = self.moves.items()
        return f"relocate {old} -> {new}" + (f" (+{len(more)})" if more else "")

    def declared_paths(self) -> list[str]:
        paths = []
        for old, new in self.moves.items():
            for dotted in (old, new):
                paths += [module_path(dotted), module_path(dotted) + ".py"]
        return paths

    # -- preflight ------------------------------------------------------------------------
    def relocations(self, root: Path) -> list[Relocation]:
        """The moves, resolved and checked against the tree (PreflightError when refused)."""
        found = []
        bases = ["", *(f"{folder}/" for folder in source_roots(root))]
        for old, new in self.moves.items():
            for base in bases:
                for dotted in (old, new):
                    for rel in (base + module_path(dotted), base + module_path(dotted) + ".py"):
                        inside_target(root, rel, what=f"relocate {old}: path")
            where = [b for b in bases if (root / (b + module_path(old) + ".py")).is_file()
                     or (root / (b + module_path(old))).is_dir()]
            base = where[0] if where else ""
            is_module = (root / (base + module_path(old) + ".py")).is_file()
            is_package = (root / (base + module_path(old))).is_dir()
            if is_module == is_package:
                looked = " nor ".join(f"{b}{module_path(old)}.py nor {b}{module_path(old)}/"
                                      for b in bases)
                problem = ("both a module file and a package folder" if is_module else
                           f"neither {looked}")
                raise PreflightError(f"relocate {old}: the source is missing ({problem})",
                                     "name an existing module or package of the app")
            found.append(Relocation(old, new, is_package, base))
        self._refuse_collisions(root, found)
        return found

    def _refuse_collisions(self, root: Path, found: list[Relocation]) -> None:
        seen: dict[str, str] = {}
        for move in found:
            if move.new in seen:
                raise PreflightError(f"relocate: {seen[move.new]} and {move.old} both move to "
                                     f"{move.new}", "give each source its own destination")
            seen[move.new] = move.old
            for rel in (move.path_of(move.new), move.path_of(move.new) + ".py"):
                if (root / rel).exists() or (root / rel).is_symlink():
                    raise PreflightError(f"relocate {move.old}: the destination {rel} exists",
                                         "choose a new name, or remove it in an earlier step")
            parts = move.new.split(".")
            for depth in range(1, len(parts)):
                file = move.path_of(".".join(parts[:depth])) + ".py"
                if (root / file).is_file():
                    raise PreflightError(f"relocate {move.old}: {file} is a module, so "
                                         f"{move.new} cannot be created inside it")
        for move in found:
            for other in found:
                if other is move:
                    continue
                for mine, theirs, what in ((move.old, other.old, "source"),
                                           (move.new, other.new, "destination"),
                                           (move.new, other.old, "source")):
                    if matches_prefix(mine, theirs):
                        raise PreflightError(
                            f"relocate: {mine} lies inside the {what} {theirs} of another move",
                            "relocate the enclosing package once, or move them one by one")

    def preflight(self, ctx: StepContext) -> None:
        self._files(ctx.root, self.relocations(ctx.root))

    # -- apply ----------------------------------------------------------------------------
    def apply(self, ctx: StepContext) -> StepOutcome:
        found = self.relocations(ctx.root)
        table = MoveTable.of(self.moves)
        files = self._files(ctx.root, found)
        ctx.progress(f"relocate: re-anchoring the relative imports of {len(files)} file(s)",
                     None, None)
        reanchored = self._reanchored(ctx.root, files, table, source_roots(ctx.root))
        created = self._create_packages(ctx.root, found)
        for old, new in files:
            (ctx.root / new).parent.mkdir(parents=True, exist_ok=True)
            # renamed, not rewritten: mode and bytes travel, and the import edits below are
            # small, so git pairs the two paths as a rename
            os.rename(ctx.root / old, ctx.root / new)
        for new, (data, _) in reanchored.items():
            detach(ctx.root / new)  # the moved inode may have a hard link elsewhere
            (ctx.root / new).write_bytes(data)
        left = self._remove_emptied(ctx.root, found)
        ctx.progress("relocate: rewriting references", None, None)
        move = Move(MoveConfig(moves=dict(self.moves)), root=ctx.root)
        report = run_codemods(ctx.root, [move])
        rewrites = {path: dict(counts) for path, counts in report.changed.items()}
        for new, (_, count) in reanchored.items():
            rewrites.setdefault(new, {})["relocate"] = count
        total = sum(sum(c.values()) for c in report.changed.values())
        notes = [f"created {p}" for p in created]
        notes += [f"{folder}/ stays for {len(names)} file(s) git ignores: "
                  + ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")
                  for folder, names in left.items()]
        summary = (f"relocated {len(found)} module(s)/package(s), {len(files)} file(s); "
                   f"re-anchored relative imports in {len(reanchored)} file(s); "
                   f"move: rewrote {len(report.changed)} file(s), {total} rewrite(s)")
        return StepOutcome(summary=summary, rewrites=rewrites, notes=notes)

    @staticmethod
    def _files(root: Path, found: list[Relocation]) -> list[tuple[str, str]]:
        """(old path, new path) of every file that moves; a symlink among them is refused
        (where it points would change, and rewriting it would write where it points)."""
        files = []
        for move in found:
            if not move.is_package:
                files.append((move.source, move.destination))
            else:
                files += [(path, move.destination + path[len(move.source):])
                          for path in listed_files(root, move.source)]
        for old, _ in files:
            if (root / old).is_symlink():
                raise PreflightError(f"relocate: {old} is a symbolic link",
                                     "move it by hand, or replace it with the file it links to")
        return files

    @staticmethod
    def _reanchored(root: Path, files: list[tuple[str, str]], table: MoveTable,
                    roots: tuple[str, ...]) -> dict[str, tuple[bytes, int]]:
        """new path -> (bytes, rewrites) of each moved Python file whose imports change.

        Everything is parsed before a file moves: one that does not parse fails the step
        with nothing written."""
        out = {}
        for old, new in files:
            if not old.endswith(".py"):
                continue
            raw = (root / old).read_bytes()
            try:
                module = cst.parse_module(raw)
            except cst.ParserSyntaxError as exc:
                raise CodemodParseError(old, exc.raw_line, exc.message) from None
            rewritten, count = reanchor_relative_imports(
                module, module_name_for(old, roots), module_name_for(new, roots), table)
            if count:
                out[new] = (rewritten.bytes, count)
        return out

    @staticmethod
    def _create_packages(root: Path, found: list[Relocation]) -> list[str]:
        """An `__init__.py` in every destination folder that does not exist yet."""
        created = []
        for move in found:
            parts = move.new.split(".")
            for depth in range(1, len(parts)):
                folder = PurePosixPath(move.path_of(".".join(parts[:depth])))
                if not (root / folder).exists():
                    (root / folder).mkdir(parents=True)
                    (root / folder / "__init__.py").write_bytes(b"")
                    created.append(f"{folder}/__init__.py")
        return created

    @staticmethod
    def _remove_emptied(root: Path, found: list[Relocation]) -> dict[str, list[str]]:
        """Remove the folders the moves emptied; package folder -> ignored files that kept it."""
        left: dict[str, list[str]] = {}
        for move in found:
            folder = root / move.source
            if move.is_package and folder.is_dir():
                for current, _, _ in sorted(os.walk(folder), key=lambda w: -len(w[0])):
                    with contextlib.suppress(OSError):
                        Path(current).rmdir()  # only an empty folder goes
                if folder.exists():
                    left[move.source] = sorted(str(p.relative_to(folder).as_posix())
                                               for p in folder.rglob("*") if not p.is_dir())
            parent = folder.parent
            while parent != root and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()  # a folder the move left empty (a package keeps its __init__)
                parent = parent.parent
        return left
