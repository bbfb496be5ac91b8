"""The template, read and rendered into scratch folders (never into the app, never in place).

`Template` reads copier.yml (questions, `_skip_if_exists`, the answers file) and renders
the template with given answers through Copier's Python API, as the `copier` step does,
into a folder under one scratch directory; renders are cached by their answers.
`FlagFootprint` is what one feature flag adds: the files that appear and the runtime
dependencies the rendered pyproject.toml gains when only that flag is switched on.
"""

from __future__ import annotations

import fnmatch
import shutil
import subprocess
import tempfile
import tomllib
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from migrator.errors import UsageError
from migrator.merge.toml import requirement_name
from migrator.steps.copier import locate_template, template_config


@dataclass(frozen=True)
class Question:
    name: str
    type: str
    default: Any
    choices: tuple[Any, ...] = ()
    help: str = ""
    validator: str = ""
    """Copier's `validator`: a Jinja string that renders to an error message, or to nothing."""

    @property
    def is_flag(self) -> bool:
        return self.type == "bool"

    def refusal(self, value: Any, context: dict[str, Any]) -> str | None:
        """The validator's message for `value` (other answers from `context`), None when it
        accepts it or cannot be evaluated here (Copier still validates when it renders)."""
        if not self.validator:
            return None
        try:
            env = SandboxedEnvironment(extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"])
            message = env.from_string(self.validator).render(**{**context, self.name: value})
        except (jinja2.TemplateError, ImportError, TypeError, ValueError):
            return None
        return " ".join(message.split()) or None


@dataclass(frozen=True)
class FlagFootprint:
    flag: str
    files: frozenset[str]
    """Rendered paths that exist only with the flag on."""
    dependencies: frozenset[str]
    """Normalised runtime dependency names the flag adds to pyproject.toml."""


@dataclass
class Template:
    """One template, its settings and questions, and the scratch folder its renders go to."""

    src: str
    """As the user gave it (a path or a git URL)."""
    folder: Path
    """The template's folder (a clone, for a URL)."""
    scratch: Path
    trust: bool = False
    _renders: dict[tuple[tuple[str, str], ...], Path] = field(default_factory=dict)

    @property
    def config(self) -> dict[str, Any]:
        return template_config(self.folder)

    def _specs(self) -> dict[str, dict[str, Any]]:
        return {name: spec if isinstance(spec, dict) else {"default": spec}
                for name, spec in self.config.items() if not name.startswith("_")}

    @property
    def questions(self) -> dict[str, Question]:
        """The questions a user answers (not the values computed with `when: false`)."""
        found: dict[str, Question] = {}
        for name, spec in self._specs().items():
            if spec.get("when") is False or str(spec.get("when")).strip().lower() == "false":
                continue
            kind = str(spec.get("type") or _type_of(spec.get("default")))
            choices = spec.get("choices") or ()
            if isinstance(choices, dict):
                choices = tuple(choices.values())
            found[name] = Question(name, kind, spec.get("default"), tuple(choices),
                                   str(spec.get("help") or ""), str(spec.get("validator") or ""))
        return found

    def context(self, answers: dict[str, Any]) -> dict[str, Any]:
        """`answers` with every other question's default (computed ones included), in order,
        as the template's Jinja strings (`_skip_if_exists` entries) see them."""
        values = dict(answers)
        for name, spec in self._specs().items():
            if name not in values:
                default = spec.get("default")
                values[name] = _render_string(default, values) if isinstance(default, str) else default
        return values

    @property
    def answers_file(self) -> str:
        return str(self.config.get("_answers_file") or ".copier-answers.yml")

    def scaffolding_patterns(self, answers: dict[str, Any]) -> list[str]:
        """`_skip_if_exists`: files the template generates once and the app then owns."""
        patterns = self.config.get("_skip_if_exists") or []
        context = self.context(answers)
        return [_render_string(str(p), context) for p in patterns]

    def render(self, answers: dict[str, Any]) -> Path:
        """The template rendered with `answers` (defaults for the rest), in scratch."""
        key = tuple(sorted((k, repr(v)) for k, v in answers.items()))
        if key in self._renders:
            return self._renders[key]
        dest = self.scratch / f"render-{len(self._renders)}"
        from copier import run_copy  # heavy import, only when init runs

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                run_copy(src_path=str(self.folder), dst_path=dest, data=answers, defaults=True,
                         overwrite=True, quiet=True, unsafe=self.trust, skip_tasks=True,
                         cleanup_on_error=False)
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # noqa: BLE001 - Copier and Jinja raise many kinds
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                hint = ("pass --trust if you trust the template" if "unsafe" in first.lower()
                        else "check the template, or give the answer with --data KEY=VALUE")
                raise UsageError(f"cannot render the template {self.src}: {type(exc).__name__}: "
                                 f"{first}", hint) from None
        self._renders[key] = dest
        return dest

    def footprints(self, answers: dict[str, Any]) -> dict[str, FlagFootprint]:
        """Per flag: what switching it on alone (every other flag off) adds."""
        flags = [q.name for q in self.questions.values() if q.is_flag]
        base_answers = {**answers, **{f: False for f in flags}}
        base = self.render(base_answers)
        base_files, base_deps = rendered_files(base), set(runtime_dependencies(base))
        result = {}
        for flag in flags:
            on = self.render({**base_answers, flag: True})
            result[flag] = FlagFootprint(
                flag,
                frozenset(rendered_files(on) - base_files),
                frozenset(set(runtime_dependencies(on)) - base_deps),
            )
        return result


def _type_of(default: Any) -> str:
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "float"
    return "str"


def _render_string(text: str, answers: dict[str, Any]) -> str:
    if "{" not in text:
        return text
    try:
        return jinja2.Environment().from_string(text).render(**answers)
    except jinja2.TemplateError:
        return text


def rendered_files(root: Path) -> set[str]:
    """Every file below a rendered folder, relative and posix (`.git` excluded)."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(root).parts}


def runtime_dependencies(root: Path, name: str = "pyproject.toml") -> list[str]:
    """Normalised names of `[project] dependencies` (or poetry's main group) of a pyproject,
    in the file's order."""
    path = root / name
    if not path.is_file():
        return []
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return []
    poetry = document.get("tool", {}).get("poetry", {}).get("dependencies", {})
    names = [requirement_name(r) for r in document.get("project", {}).get("dependencies", [])]
    names += [requirement_name(n) for n in poetry if n != "python"]
    return list(dict.fromkeys(names))


def matches(path: str, patterns: list[str]) -> bool:
    """gitignore-style matching as Copier applies `_skip_if_exists` and `_exclude`."""
    for pattern in patterns:
        pattern = pattern.strip()
        negated = pattern.startswith("!")
        if not pattern or negated:
            continue
        pattern = pattern.lstrip("/").rstrip("/")
        if "/" in pattern:
            if fnmatch.fnmatchcase(path, pattern) or path.startswith(pattern + "/"):
                return True
        elif any(fnmatch.fnmatchcase(part, pattern) for part in path.split("/")):
            return True
    return False


@contextmanager
def open_template(src: str, *, trust: bool = False) -> Iterator[Template]:
    """The template at `src` (a folder, or a git URL cloned into scratch), with a scratch
    folder for its renders that is removed afterwards, whatever happens."""
    scratch = Path(tempfile.mkdtemp(prefix="migrate-init-"))
    try:
        if locate_template(src, Path.cwd()).is_url:
            folder = scratch / "template"
            cloned = subprocess.run(["git", "clone", "-q", "--depth", "1", src, str(folder)],
                                    capture_output=True, text=True, timeout=300, check=False)
            if cloned.returncode:
                detail = (cloned.stderr.strip().splitlines() or ["unreachable"])[-1]
                raise UsageError(f"template {src} cannot be cloned: {detail}")
        else:
            folder = Path(src).expanduser().resolve()
            if not folder.is_dir():
                what = "is a file, not a folder" if folder.exists() else "not found"
                raise UsageError(f"template {src} {what}", "give the template's folder or git URL")
        if not any((folder / name).is_file() for name in ("copier.yml", "copier.yaml")):
            raise UsageError(f"{src} is not a Copier template: no copier.yml in {folder}")
        if template_config(folder).get("_jinja_extensions") and not trust:
            raise UsageError(f"template {src} loads Jinja extensions, which run code on this machine",
                             "pass --trust if you trust it")
        yield Template(src, folder, scratch, trust)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
