"""The `copier` step: apply a Copier template to the tree, merging the files the app owns.

    - copier:
        src: ../../ModernAppTemplate/backend     # relative to the target, or a git URL
        ref: v0.1.0                              # tag or commit (git templates only)
        data: {project_name: electronics-inventory, use_s3: true}
        skip: [app/__init__.py, app/config.py]   # never written when they exist
        exclude: [app/container.py, tests/test_common/test_auth.py]  # never created at all
        merge: {pyproject.toml: toml, .env.example: dotenv, .gitignore: lines}
        overwrite: true                          # false: keep every existing file
        trust: false                             # allow template tasks / extensions
        answers_file: .copier-answers.yml

The equivalent of `copier copy --answers-file F --defaults --overwrite --skip ... SRC .`
through Copier's Python API; questions the data does not answer take the template's
defaults. Files under `merge` are rendered by the template and then merged with the
app's version (see `migrator.merge`); one also listed under `skip` is left alone. Paths
or patterns under `exclude` (Copier's `exclude`, gitignore-style) are not rendered at all:
the template's scaffold of a file the app keeps elsewhere, template tests that do not
apply; an app file at such a path is left as it is. The answers file records `_src_path`
exactly as the plan gives it (so `copier update` run from the target finds the template) and
`_commit`, which Copier only knows when the template is the root of a git repository.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

import yaml
from pydantic import Field, field_validator, model_validator

from migrator.environment import AppEnvironment
from migrator.errors import MigratorError, PathEscapesTarget, PreflightError, StepFailed
from migrator.merge import MERGERS
from migrator.paths import inside_target
from migrator.steps.base import StepContext, StepModel, StepOutcome
from migrator.steps.registry import register_step

_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|gh:|gl:)", re.IGNORECASE)
_CONFIG_FILES = ("copier.yml", "copier.yaml")
_UNSAFE_KEYS = ("_tasks", "_jinja_extensions", "_migrations")


def _git(cwd: Path | None, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


@dataclass
class TemplateSource:
    """Where a template lives and what Copier will be able to record about it."""

    given: str
    """`src` as the plan wrote it."""
    location: str
    """What Copier is given: an absolute path or a URL."""
    is_url: bool
    is_git_root: bool
    repo_root: Path | None
    """The enclosing git repository's root, for a template in a subfolder of one."""

    @property
    def records_commit(self) -> bool:
        return self.is_url or self.is_git_root


def locate_template(src: str, target: Path) -> TemplateSource:
    """Resolve `src` (a URL, or a path relative to the target) without validating it."""
    if _URL.match(src):
        return TemplateSource(src, src, True, False, None)
    path = Path(src).expanduser()
    path = (path if path.is_absolute() else target / path).resolve()
    top = _git(path, "rev-parse", "--show-toplevel") if path.is_dir() else None
    repo_root = Path(top.stdout.strip()).resolve() if top and top.returncode == 0 else None
    is_root = repo_root is not None and repo_root == path
    return TemplateSource(src, str(path), False, is_root, None if is_root else repo_root)


def template_config(path: Path) -> dict[str, Any]:
    """copier.yml (or copier.yaml) of the template folder `path`: its settings and questions,
    read by Copier's own loader (several YAML documents merged, `!include` resolved inside
    the template), so the tool sees what Copier will."""
    from copier._template import load_template_config
    from copier.errors import CopierError

    for name in _CONFIG_FILES:
        if (path / name).is_file():
            try:
                loaded = load_template_config(path / name, quiet=True)
            except (CopierError, OSError, TypeError, ValueError, yaml.YAMLError) as exc:
                reason = " ".join(str(exc.__cause__ or exc).split()) or type(exc).__name__
                raise PreflightError(f"template {path / name} is not a valid Copier "
                                     f"configuration: {reason}") from None
            return loaded if isinstance(loaded, dict) else {}
    return {}


@contextlib.contextmanager
def _checked_writes(ctx: StepContext) -> Iterator[None]:
    """Every file, folder and symlink Copier writes goes through `ctx.will_change` first (the
    containment check, and saving an ignored file it replaces); a symlink the template ships
    must not lead out of the target. Copier calls `Worker._render_allowed` before each write
    (checked with Copier 9.19)."""
    from copier._main import Worker

    allowed = Worker._render_allowed

    def checked(worker: Worker, dst_relpath: Path, *args: Any, **kwargs: Any) -> bool:
        rel = dst_relpath.as_posix()
        if rel not in ("", "."):
            path = ctx.will_change(rel, what="template path")
            link = kwargs.get("expected_contents") if kwargs.get("is_symlink") else None
            if isinstance(link, Path):
                real_root = ctx.root.resolve()
                lands = (path.parent.resolve() / link).resolve()
                if lands != real_root and real_root not in lands.parents:
                    raise PathEscapesTarget(f"template path {rel!r} is a symlink to {link}, "
                                            "outside the target; it is not written")
        return allowed(worker, dst_relpath, *args, **kwargs)

    Worker._render_allowed = checked  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        Worker._render_allowed = allowed  # type: ignore[method-assign]


@register_step
class CopierStep(StepModel):
    """Render a Copier template into the tree."""

    kind: ClassVar[str] = "copier"

    src: str
    ref: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    """Answers to the template's questions (over the plan's top-level data)."""
    skip: list[str] = Field(default_factory=list)
    """Paths or patterns never written when they already exist (Copier's skip_if_exists)."""
    exclude: list[str] = Field(default_factory=list)
    """Paths or patterns (gitignore-style) the template does not create at all."""
    merge: dict[str, Literal["toml", "dotenv", "lines"]] = Field(default_factory=dict)
    overwrite: bool = True
    """Replace existing files the template renders; false keeps every existing file."""
    trust: bool = False
    """Allow templates with tasks, migrations or Jinja extensions (they run code)."""
    answers_file: str = ".copier-answers.yml"

    @field_validator("src")
    @classmethod
    def _not_blank(cls, src: str) -> str:
        if not src.strip():
            raise ValueError("give the template's path (relative to the target) or git URL")
        return src

    @model_validator(mode="after")
    def _exclude_is_not_merged(self) -> CopierStep:
        for path in self.merge:
            if path in self.exclude:
                raise ValueError(f"{path} is both excluded and merged (drop it from one list)")
        if self.answers_file in self.exclude:
            raise ValueError(f"the answers file {self.answers_file} cannot be excluded "
                             "(`copier update` needs it)")
        return self

    def title(self) -> str:
        return self.name or f"copier {self.src}"

    def declared_paths(self) -> list[str]:
        return [self.answers_file, *self.merge]

    def unsafe(self, ctx: StepContext) -> bool:
        """Whether template tasks, migrations and Jinja extensions may run: with --trust, or
        with the plan's `trust: true` outside a dry run (a dry run needs --trust itself)."""
        return ctx.trust or (self.trust and not ctx.dry_run)

    def writes_anywhere(self, ctx: StepContext) -> bool:
        return self.unsafe(ctx)  # template tasks can write anywhere

    def runs(self, trust: bool, dry_run: bool = False,
             environment: AppEnvironment | None = None) -> list[str]:
        if not (trust or (self.trust and not dry_run)):
            return []
        given = "trust: true" if self.trust else "--trust"
        return [f"template tasks, migrations and Jinja extensions of {self.src} ({given})"]

    # -- preflight ------------------------------------------------------------------------
    def preflight(self, ctx: StepContext) -> None:
        for declared in self.declared_paths():
            inside_target(ctx.root, declared, what="copier path")
        source = locate_template(self.src, ctx.target)
        if source.is_url:
            self._preflight_url(source)
            return
        path = Path(source.location)
        if not path.is_dir():
            raise PreflightError(
                f"template {self.src!r} not found (looked in {path})",
                "copier.src is relative to the target; check the path",
            )
        if not any((path / name).is_file() for name in _CONFIG_FILES):
            raise PreflightError(f"template {self.src!r} is not a Copier template: no copier.yml in {path}")
        if source.is_git_root:
            self._preflight_git_root(path, ctx)
        else:
            if self.ref is not None:
                raise PreflightError(
                    f"template {self.src!r} is not a git repository root, so ref {self.ref!r} "
                    "cannot be checked out",
                    "make the template its own git repository and tag it, or drop ref",
                )
            ctx.warnings.append(self.no_commit_warning(source))
        features = sorted(k.lstrip("_") for k in _UNSAFE_KEYS if template_config(path).get(k))
        if features and not (self.trust or ctx.trust):
            raise PreflightError(
                f"template {self.src!r} uses {', '.join(features)}, which run code on this machine",
                "add `trust: true` to the copier step or pass --trust if you trust it",
            )
        if set(features) - {"tasks"} and not self.unsafe(ctx):
            raise PreflightError(
                f"template {self.src!r} uses {', '.join(features)}, which run code on this "
                "machine; a dry run runs them only with an explicit --trust",
                "pass --trust to the dry run if you trust the template",
            )

    def no_commit_warning(self, source: TemplateSource) -> str:
        where = (
            f"a subfolder of the git repository {source.repo_root}"
            if source.repo_root is not None
            else "a plain folder, not a git repository"
        )
        return (
            f"template {self.src} is {where}: the answers file gets no _commit, so a later "
            "`copier update` will refuse; make the template its own git repository and tag it"
        )

    def _preflight_git_root(self, path: Path, ctx: StepContext) -> None:
        if self.ref is not None:
            if _git(path, "rev-parse", "--verify", "--quiet", f"{self.ref}^{{commit}}").returncode:
                raise PreflightError(f"template {self.src!r} has no tag or commit {self.ref!r}")
        else:
            tags = _git(path, "tag", "--list").stdout.split()
            ctx.warnings.append(
                f"template {self.src}: no ref given, Copier uses its latest tag"
                + (f" (one of {len(tags)})" if tags else " (none: HEAD)")
            )
        if _git(path, "status", "--porcelain").stdout.strip():
            ctx.warnings.append(
                f"template {self.src} has uncommitted changes: Copier renders them, but _commit "
                "will not name them"
            )

    def _preflight_url(self, source: TemplateSource) -> None:
        try:
            result = _git(None, "ls-remote", "--exit-code", source.location, timeout=60)
        except subprocess.TimeoutExpired:
            raise PreflightError(f"template {self.src!r}: git ls-remote timed out after 60s") from None
        if result.returncode not in (0, 2):
            detail = (result.stderr.strip().splitlines() or ["unreachable"])[-1]
            raise PreflightError(f"template {self.src!r} is not reachable: {detail}")

    # -- apply ----------------------------------------------------------------------------
    def skip_patterns(self) -> list[str]:
        """Copier's skip_if_exists: the plan's skip list, or everything but merged files."""
        if self.overwrite:
            return list(self.skip)
        keep_writing = [f"!/{p}" for p in (*self.merge, self.answers_file) if p not in self.skip]
        return ["*", *keep_writing, *self.skip]

    def apply(self, ctx: StepContext) -> StepOutcome:
        source = locate_template(self.src, ctx.target)
        for rel in self.merge:  # the app's version is read, then written over
            ctx.will_change(rel, what="merge path")
        app_versions = {rel: self._read(ctx.root, rel) for rel in self.merge}
        ctx.progress(f"copier: rendering {self.src}", None, None)
        caught = self._run_copier(ctx, source)
        notes = [str(w.message).splitlines()[0] for w in caught]
        if self.trust and not self.unsafe(ctx) and template_config(Path(source.location)).get("_tasks"):
            notes.append("the template's tasks did not run in this dry run "
                         "(pass --trust to run them)")
        if not source.records_commit:
            notes.append(self.no_commit_warning(source))
        merged = 0
        for rel, kind in self.merge.items():
            note = self._merge(ctx.root, rel, kind, app_versions[rel])
            if note:
                notes.append(note)
                merged += 1
        commit = self._fix_answers(ctx.root, source, notes)
        return StepOutcome(
            summary=(
                f"rendered {self.src}"
                + (f" at {commit}" if commit else " (no _commit)")
                + (f", merged {merged} file(s)" if merged else "")
            ),
            notes=notes,
        )

    @staticmethod
    def _read(root: Path, rel: str) -> bytes | None:
        path = root / rel
        return path.read_bytes() if path.is_file() else None

    def _run_copier(
        self, ctx: StepContext, source: TemplateSource
    ) -> list[warnings.WarningMessage]:
        from copier import run_copy  # heavy import, only when a copier step runs
        from copier.errors import CopierWarning

        with warnings.catch_warnings(record=True) as caught, _checked_writes(ctx):
            warnings.simplefilter("always")
            try:
                run_copy(
                    src_path=source.location,
                    dst_path=ctx.root,
                    data={**ctx.data, **self.data},
                    answers_file=self.answers_file,
                    vcs_ref=self.ref,
                    skip_if_exists=self.skip_patterns(),
                    exclude=self.exclude,
                    defaults=True,
                    overwrite=True,
                    quiet=True,
                    unsafe=self.unsafe(ctx),
                    skip_tasks=not self.unsafe(ctx),
                    cleanup_on_error=False,
                )
            except (KeyboardInterrupt, MigratorError):
                raise
            except Exception as exc:  # noqa: BLE001 - Copier and Jinja raise many kinds
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                raise StepFailed(f"copier {self.src}: {type(exc).__name__}: {first}") from None
        return [w for w in caught if issubclass(w.category, CopierWarning)]

    def _merge(self, root: Path, rel: str, kind: str, app: bytes | None) -> str | None:
        path = inside_target(root, rel, what="merge path")
        rendered = self._read(root, rel)
        if app is None:
            return f"{rel}: taken from the template (the app had none)" if rendered else None
        if rendered is None or rendered == app:
            # the template does not render it, or Copier skipped it (skip list wins)
            return None
        try:
            result = MERGERS[kind](app.decode("utf-8"), rendered.decode("utf-8"))
        except Exception as exc:  # noqa: BLE001 - tomlkit's parse errors share no base
            path.write_bytes(app)
            raise StepFailed(f"merge {rel} ({kind}): {exc}") from None
        path.write_text(result.text, encoding="utf-8", newline="")
        added = ", ".join(result.added[:8]) + (" ..." if len(result.added) > 8 else "")
        return f"{rel}: merged ({kind}), added {len(result.added)}" + (f": {added}" if added else "")

    def _fix_answers(self, root: Path, source: TemplateSource, notes: list[str]) -> str | None:
        """Record `_src_path` as the plan gives it; return the recorded `_commit`."""
        path = root / self.answers_file
        if not path.is_file():
            notes.append(
                f"the template has no answers file template, so {self.answers_file} was not "
                "written and `copier update` will not work"
            )
            return None
        text = path.read_text(encoding="utf-8")
        if not source.is_url:
            line = yaml.safe_dump({"_src_path": self.src}, default_flow_style=False).strip()
            text, count = re.subn(r"(?m)^_src_path:.*$", lambda _: line, text, count=1)
            if count:
                path.write_text(text, encoding="utf-8")
        try:
            answers = yaml.safe_load(text) or {}
        except yaml.YAMLError:
            return None
        commit = answers.get("_commit") if isinstance(answers, dict) else None
        return str(commit) if commit is not None else None
