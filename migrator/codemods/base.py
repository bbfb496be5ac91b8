"""The codemod interface and the registry the plan's `codemod` step looks codemods up in.

A codemod is one class per module: a pydantic `Config` (the plan step's parameters), a
cheap `may_apply(source)` substring test decided before parsing, and `transform(module,
file)` returning the new module and how many rewrites it made. Codemods must be
idempotent and leave everything they do not need to change byte for byte.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

import libcst as cst
from pydantic import BaseModel, ConfigDict, Field

from migrator.codemods.import_order import ImportOrder
from migrator.codemods.source_roots import source_roots, strip_root


class CodemodConfig(BaseModel):
    """Parameters every codemod accepts."""

    model_config = ConfigDict(extra="forbid")

    files: list[str] | None = Field(
        default=None,
        description=(
            "Optional globs (target-relative, posix; `*` within a folder, `**/` across "
            'folders) limiting the files the codemod touches, e.g. `["tests/**/*.py"]`.'
        ),
    )


@dataclass(frozen=True)
class SourceFile:
    """The file a transform works on."""

    path: str
    """Target-relative posix path, e.g. `app/services/x.py`."""
    module: str
    """Dotted module name from the path, e.g. `app.services.x` (`app` for `app/__init__.py`)."""
    is_package: bool
    """True for `__init__.py` (relative imports resolve from the package itself)."""
    text: str | None = None
    """The current source text when the runner has it (lets a transform skip needless work)."""


ConfigT = TypeVar("ConfigT", bound=CodemodConfig)


class Codemod(ABC, Generic[ConfigT]):
    """One transform. Instances must be picklable (the runner may use a process pool)."""

    name: ClassVar[str]
    description: ClassVar[str]
    Config: ClassVar[type[CodemodConfig]]

    def __init__(self, config: ConfigT, root: Path) -> None:
        self.config = config
        self.root = root

    @cached_property
    def import_order(self) -> ImportOrder:
        """The target's own import order, for the imports a transform adds or rewrites."""
        return ImportOrder.of(self.root)

    @cached_property
    def source_roots(self) -> tuple[str, ...]:
        """The target's source roots (`src` in a src layout), for module names."""
        return source_roots(self.root)

    def selects(self, path: str) -> bool:
        """Whether the target-relative posix `path` is in this codemod's scope (`files` globs)."""
        globs = self.config.files
        return globs is None or any(glob_matches(g, path) for g in globs)

    def prepare(self, paths: Sequence[str]) -> None:
        """Called once with every Python file of the tree (target-relative) before any is
        transformed, for a codemod whose work depends on other files (re-exports)."""

    @abstractmethod
    def may_apply(self, source: str) -> bool:
        """Cheap test on the raw text: False means the file certainly needs no change."""

    def worth_parsing(self, source: str, file: SourceFile) -> bool:
        """A finer test, run just before a file `may_apply` let through would be parsed.

        False means the file certainly needs no change. A LibCST parse costs several
        times Python's own `ast` parse, so an override may look at the `ast` here.
        """
        return True

    @abstractmethod
    def transform(self, module: cst.Module, file: SourceFile) -> tuple[cst.Module, int]:
        """Return the rewritten module and the number of rewrites made.

        Raise `CodemodRefused` when the file cannot be rewritten safely.
        """

    def text_globs(self) -> list[str]:
        """Globs of non-Python files `transform_text` rewrites (none unless a codemod says)."""
        return []

    def transform_text(self, text: str, path: str) -> tuple[str, int]:
        """Rewrite a text file matched by `text_globs`: the new text and how many rewrites."""
        return text, 0

    def notes(self) -> list[str]:
        """Lines for the step report, read off the tree before the run (what will happen why)."""
        return []


class CodemodRefused(Exception):
    """A codemod will not rewrite a file: the message says why and what to change in the plan."""


REGISTRY: dict[str, type[Codemod]] = {}


def register(cls: type[Codemod]) -> type[Codemod]:
    """Class decorator: make a codemod available to plans under `cls.name`."""
    REGISTRY[cls.name] = cls
    return cls


@lru_cache(maxsize=256)
def _glob_regex(glob: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def glob_matches(glob: str, path: str) -> bool:
    """Git-style glob match on posix paths: `*` stays in one folder, `**/` spans folders."""
    return _glob_regex(glob).match(path) is not None


def module_name_for(path: str, roots: Sequence[str] = ()) -> SourceFile:
    """Describe a target-relative posix path as a module (`roots`: the target's source
    roots, see `source_roots`; `src/svc/di.py` is `svc.di` when `src` is one)."""
    name = strip_root(path, roots)
    parts = name[: -len(".py")].split("/") if name.endswith(".py") else name.split("/")
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return SourceFile(path=path, module=".".join(parts), is_package=is_package)
