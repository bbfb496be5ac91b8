"""The project's import order: its isort settings, read from ruff's or isort's configuration.

`ImportOrder.of(root)` reads, in the order the tools themselves look:

- ruff: `.ruff.toml`, `ruff.toml`, then `pyproject.toml`'s `[tool.ruff]`, with the isort
  settings under `lint.isort` (or the older `isort`), `line-length` and `src`;
- isort: `.isort.cfg`, `pyproject.toml`'s `[tool.isort]`, `setup.cfg` (`[isort]` or
  `[tool:isort]`), `tox.ini` (`[isort]`), with `profile = "black"` meaning line length 88.

Honoured: the five sections (future, standard library, third party, first party, local
folder); `known-first-party`, `known-third-party`, `known-local-folder` and
`extra-standard-library` (isort: `known_standard_library` too), as module names or
prefixes; first-party detection of the project's own top-level packages (`src` / isort's
`src_paths`, by default the root and `src/`); `force-sort-within-sections`,
`case-sensitive`, `order-by-type`, `combine-as-imports`, `force-single-line`, and the line
length (for wrapping an import a codemod made too long). Not honoured: custom sections
(`section-order`, `sections`), `no-lines-before`, `lines-between-types`,
`lines-after-imports`, `force-to-top`, `length-sort` and glob patterns in the known lists.

The keys follow ruff's isort implementation, which agrees with isort's `profile = black`
in these settings: within a section, `import x` lines come before `from x import y`
lines (unless force-sort-within-sections), modules compare case-insensitively in
natural order, and the names of a `from` import sort constants, then classes, then the
rest.
"""

from __future__ import annotations

import configparser
import re
import sys
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

SECTIONS = ("future", "standard-library", "third-party", "first-party", "local-folder")

_KNOWN_KEYS = {
    # setting (ruff's spelling) -> section
    "known-first-party": "first-party",
    "known-third-party": "third-party",
    "known-local-folder": "local-folder",
    "extra-standard-library": "standard-library",
    "known-standard-library": "standard-library",
}
_FLAGS = {
    "force-sort-within-sections": False,
    "case-sensitive": False,
    "order-by-type": True,
    "combine-as-imports": False,
    "force-single-line": False,
}


@dataclass(frozen=True)
class ImportOrder:
    """Where an import goes: its section, and its place in the section."""

    known: tuple[tuple[str, str], ...] = ()
    """(module name or prefix, section), from the `known-*` settings."""
    src: tuple[str, ...] = ()
    """The project's source folders: modules found there are first party."""
    line_length: int = 88
    flags: dict[str, bool] = field(default_factory=lambda: dict(_FLAGS))
    tool: str = "ruff"
    """Whose rules: `ruff` (also when nothing is configured) or `isort`."""
    source: str = "defaults"
    """Where the settings were read, e.g. `pyproject.toml [tool.ruff.lint.isort]`."""

    @classmethod
    def of(cls, root: Path) -> ImportOrder:
        """The settings of the project at `root` (defaults when it configures none)."""
        default_src = (str(root), str(root / "src"))
        ruff = _ruff_settings(root)
        found = ruff or _isort_settings(root)
        if found is None:
            return cls(src=default_src)
        settings, line_length, src, source = found
        known = tuple(
            (module, section)
            for key, section in _KNOWN_KEYS.items()
            for module in _as_list(settings.get(key))
        )
        flags = {k: bool(settings.get(k, default)) for k, default in _FLAGS.items()}
        paths = tuple(str(root / p) for p in src) or default_src
        tool = "ruff" if ruff else "isort"
        return cls(known, paths, line_length, flags, tool, source)

    def section(self, module: str, level: int = 0, package: str | None = None) -> int:
        """Index in `SECTIONS` of an import of `module` (`level` dots for relative ones),
        in a file of the top-level package `package`."""
        if level:
            return SECTIONS.index("local-folder")
        if module == "__future__":
            return SECTIONS.index("future")
        best: tuple[int, str] | None = None
        for known, section in self.known:
            if (module == known or module.startswith(known + ".")) and (
                best is None or len(known) > best[0]
            ):
                best = (len(known), section)
        if best is not None:
            return SECTIONS.index(best[1])
        top = module.partition(".")[0]
        if top in sys.stdlib_module_names:
            return SECTIONS.index("standard-library")
        # ruff: an import of the file's own package is first party ("detect-same-package")
        if self.tool == "ruff" and package is not None and top == package:
            return SECTIONS.index("first-party")
        # ruff finds the whole module in a source folder; isort its top-level name
        found = module if self.tool == "ruff" else top
        if any(_in_folder(Path(folder), found) for folder in self.src):
            return SECTIONS.index("first-party")
        return SECTIONS.index("third-party")

    def module_key(self, module: str, level: int = 0) -> tuple[Any, ...]:
        # relative imports: furthest first (`from .. import` before `from . import`)
        return (-level, self._text_key(module), _natural(module))

    def name_key(self, name: str, asname: str | None = None) -> tuple[Any, ...]:
        """Order of the names of a `from` import: constants, classes, then the rest."""
        kind = 0
        if self.flags["order-by-type"]:
            if len(name) > 1 and name.isupper():
                kind = 0
            elif name[:1].isupper():
                kind = 1
            else:
                kind = 2
        return (kind, self._text_key(name), _natural(name), asname or "")

    def line_key(
        self, module: str, level: int, is_from: bool, first: tuple[Any, ...]
    ) -> tuple[Any, ...]:
        """Order of a line in its section (`first`: the key of its first name)."""
        style = 0 if self.flags["force-sort-within-sections"] else int(is_from)
        return (style, self.module_key(module, level), first)

    def _text_key(self, text: str) -> tuple[Any, ...]:
        return _natural(text if self.flags["case-sensitive"] else text.lower())


def _natural(text: str) -> tuple[Any, ...]:
    """Natural order: digit runs compare as numbers (`x2` before `x10`)."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in _DIGITS.split(text)
        if part
    )


_DIGITS = re.compile(r"(\d+)")


@lru_cache(maxsize=4096)
def _in_folder(folder: Path, module: str) -> bool:
    """Whether `module` (`a.b.c`) is a package folder or module file below `folder`."""
    path = folder
    for segment in module.split("."):
        path = path / segment
        if path.with_suffix(".py").is_file() or path.with_suffix(".pyi").is_file():
            return True
        if not path.is_dir():
            return False
    return True


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.replace("\n", ",").split(",") if v.strip()]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def _load_toml(path: Path) -> dict[str, Any] | None:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None


Found = tuple[dict[str, Any], int, list[str], str]
"""(isort settings in ruff's spelling, line length, source folders, where they were read)."""


def _ruff_settings(root: Path) -> Found | None:
    for name in (".ruff.toml", "ruff.toml", "pyproject.toml"):
        data = _load_toml(root / name) if (root / name).is_file() else None
        if data is None:
            continue
        config = data if name != "pyproject.toml" else data.get("tool", {}).get("ruff")
        if not isinstance(config, dict):
            continue
        lint = config.get("lint", {})
        settings, where = lint.get("isort"), "lint.isort"
        if not isinstance(settings, dict):
            settings, where = config.get("isort", {}), "isort"
        prefix = "[tool.ruff." if name == "pyproject.toml" else "["
        return (
            dict(settings) if isinstance(settings, dict) else {},
            int(config.get("line-length", 88)),
            _as_list(config.get("src")),
            f"{name} {prefix}{where}]",
        )
    return None


def _isort_settings(root: Path) -> Found | None:
    candidates: list[tuple[str, dict[str, Any] | None]] = []
    cfg = root / ".isort.cfg"
    if cfg.is_file():
        candidates.append((".isort.cfg [settings]", _ini_section(cfg, "settings", "isort")))
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        data = _load_toml(pyproject) or {}
        section = data.get("tool", {}).get("isort")
        candidates.append(
            ("pyproject.toml [tool.isort]", section if isinstance(section, dict) else None)
        )
    for name, sections in (("setup.cfg", ("isort", "tool:isort")), ("tox.ini", ("isort",))):
        if (root / name).is_file():
            candidates.append((f"{name} [isort]", _ini_section(root / name, *sections)))
    for where, raw in candidates:
        if raw is None:
            continue
        settings = {key.replace("_", "-"): _ini_value(value) for key, value in raw.items()}
        default_length = 88 if settings.get("profile") == "black" else 79
        length = int(settings.get("line-length", default_length))
        return settings, length, _as_list(settings.get("src-paths")), where
    return None


def _ini_section(path: Path, *names: str) -> dict[str, Any] | None:
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    for name in names:
        if parser.has_section(name):
            return dict(parser.items(name))
    return None


def _ini_value(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value
