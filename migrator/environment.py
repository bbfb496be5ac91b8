"""The app's environment: the interpreter (and virtual environment) checks and commands run in.

The tool and the app may run different Pythons (the tool on 3.11, the app on 3.13 with its
own pinned pytest, ruff and mypy). A plan names the app's environment with

    environment: {venv: .venv}              # a virtual environment (relative to the target)
    environment: {python: python3.13}       # an interpreter: a path, or a command on PATH

and without it the app's is found: `--python` (CLI) or `python=` (API) first, then the
plan's setting, then a virtual environment the target contains (`.venv/`, `venv/`), then
the pyenv version the target's `.python-version` declares, then `python` on PATH (an
activated virtual environment, say). Every `command`/`http`/`container` check and `command` step
runs there: `python`/`python3` as the program is that interpreter, and other programs
(`pytest`, `ruff`) are looked up in its virtual environment's `bin/` first.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator

from migrator.errors import PreflightError

PYTHON_NAMES = frozenset({"python", "python3"})
"""Programs that mean "the app's interpreter" when a command starts with them."""

VENV_FOLDERS = (".venv", "venv")
"""Virtual environments a target may contain, in the order they are looked for."""


class EnvironmentSetting(BaseModel):
    """The plan's `environment:` key: exactly one of `venv` or `python`."""

    model_config = ConfigDict(extra="forbid")

    venv: str | None = None
    """A virtual environment folder: relative to the target, or absolute."""
    python: str | None = None
    """An interpreter: a path (relative to the target, or absolute) or a command on PATH."""

    @model_validator(mode="after")
    def _exactly_one(self) -> EnvironmentSetting:
        if (self.venv is None) == (self.python is None):
            raise ValueError("give exactly one of venv (a folder) or python (an interpreter)")
        return self


@dataclass(frozen=True)
class AppEnvironment:
    """Where the app's commands run."""

    python: str
    """The interpreter, as an absolute path (symlinks kept: a venv's python is one)."""
    venv: Path | None
    """The virtual environment the interpreter belongs to, if any."""
    origin: str
    """How it was chosen, for messages: `.venv in the target`, `python on PATH`, ..."""

    @classmethod
    def of_tool(cls) -> AppEnvironment:
        """The interpreter running the migrator (what a bare check or step context uses)."""
        return cls.of_interpreter(sys.executable, "the migrator's own interpreter")

    @classmethod
    def of_interpreter(cls, python: str | Path, origin: str) -> AppEnvironment:
        path = Path(python).absolute()
        home = path.parent.parent
        return cls(str(path), home if (home / "pyvenv.cfg").is_file() else None, origin)

    @property
    def bin_dir(self) -> Path | None:
        return self.venv / "bin" if self.venv is not None else None

    def argv(self, argv: list[str]) -> list[str]:
        """`argv` with its program resolved: `python` -> the interpreter, `pytest` -> venv's."""
        if not argv:
            return []
        program, rest = argv[0], list(argv[1:])
        if program in PYTHON_NAMES:
            return [self.python, *rest]
        if self.bin_dir is not None and "/" not in program:
            script = self.bin_dir / program
            if script.is_file() and os.access(script, os.X_OK):
                return [str(script), *rest]
        return [program, *rest]

    def variables(self) -> dict[str, str]:
        """What activating the virtual environment sets: its bin/ first on PATH, VIRTUAL_ENV."""
        if self.venv is None or self.bin_dir is None:
            return {}
        path = os.environ.get("PATH", "")
        return {"VIRTUAL_ENV": str(self.venv),
                "PATH": os.pathsep.join(p for p in (str(self.bin_dir), path) if p)}

    def describe(self) -> str:
        where = f", virtual environment {self.venv}" if self.venv is not None else ""
        return f"{self.python}{where}; from {self.origin}"


def resolve_environment(target: Path, setting: EnvironmentSetting | None = None,
                        override: str | None = None) -> AppEnvironment:
    """The app's environment for `target` (see the module docstring for the order).

    `override` (the CLI's `--python`) is an interpreter or a virtual environment folder.
    Raises PreflightError when a named interpreter or folder does not exist.
    """
    if override is not None:
        path = _path(target, override)
        if path.is_dir():
            return _venv(path, "--python")
        return _interpreter(target, override, "--python")
    if setting is not None and setting.venv is not None:
        return _venv(_path(target, setting.venv), "environment.venv in the plan")
    if setting is not None and setting.python is not None:
        return _interpreter(target, setting.python, "environment.python in the plan")
    for folder in VENV_FOLDERS:
        if (target / folder / "pyvenv.cfg").is_file() and _venv_python(target / folder):
            return _venv(target / folder, f"{folder}/ in the target")
    declared = _pyenv_version(target)
    if declared is not None:
        return AppEnvironment.of_interpreter(declared, ".python-version in the target")
    on_path = shutil.which("python") or shutil.which("python3")
    if on_path is None:
        raise PreflightError(
            "the app's environment: the target has no .venv/ or venv/ and there is no "
            "python on PATH",
            "name it in the plan (environment: {venv: ...} or {python: ...}) or pass --python",
        )
    return AppEnvironment.of_interpreter(on_path, "python on PATH")


def _pyenv_version(target: Path) -> Path | None:
    """The interpreter of the pyenv version `.python-version` names, when it is installed."""
    try:
        lines = (target / ".python-version").read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError):
        return None
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    for version in lines:  # pyenv takes the first installed one
        if "/" in version or version.startswith("."):
            continue
        python = root / "versions" / version / "bin" / "python"
        if python.is_file() and os.access(python, os.X_OK):
            return python
    return None


def _path(target: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else target / path


def _venv_python(folder: Path) -> Path | None:
    for name in ("python", "python3"):
        candidate = folder / "bin" / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _venv(folder: Path, origin: str) -> AppEnvironment:
    python = _venv_python(folder)
    if python is None:
        raise PreflightError(
            f"the app's environment: {folder} has no bin/python ({origin})",
            "create it (e.g. `python3.13 -m venv .venv` in the app) or name another one",
        )
    return AppEnvironment(str(python.absolute()), folder.absolute(), origin)


def _interpreter(target: Path, value: str, origin: str) -> AppEnvironment:
    if "/" in value or value.startswith("~"):
        path = _path(target, value)
        if not (path.is_file() and os.access(path, os.X_OK)):
            relative_to = "the current folder" if origin == "--python" else "the target"
            raise PreflightError(f"the app's environment: interpreter {value!r} not found "
                                 f"({origin}, looked at {path})",
                                 f"give a path relative to {relative_to}, an absolute path, "
                                 "or a command on PATH")
        return AppEnvironment.of_interpreter(path, origin)
    found = shutil.which(value)
    if found is None:
        raise PreflightError(f"the app's environment: {value!r} is not on PATH ({origin})",
                             "install it or give the interpreter's path")
    return AppEnvironment.of_interpreter(found, origin)
