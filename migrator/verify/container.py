"""The `container` check: build the app's dependency-injector container and prove its wiring.

    - name: container wiring
      container: app.container.AppContainer
    - name: container wiring
      container:
        class: app.container.AppContainer   # a DeclarativeContainer subclass
        settings: app.config.Settings        # built with no arguments, given to `config`
        settings_provider: config
        packages: [app]                      # where Provide[...] markers are looked for
        env: {DATABASE_URL: "sqlite:///{scratch}/container.db"}

In a subprocess of the app's interpreter (see `migrator.environment`), at the tree's root,
it builds the container (and the settings, overriding `settings_provider` with them) and
proves two things, with evidence:

- every Singleton name yields one instance, shared by every provider that depends on it:
  no provider receives a Singleton a base class declares under a name the container
  re-declares (a second instance, e.g. a ConnectionManager nobody connects to);
- every `Provide[...]` / `Provider[...]` written in `packages` (default: the container's
  top-level package) resolves to a provider of the built container, as `wire()` resolves
  it (an unresolved marker is silently left in place of the service).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from pydantic import ConfigDict, Field, field_validator

from migrator.codemods.import_resolution import DOTTED
from migrator.codemods.source_roots import source_roots
from migrator.environment import AppEnvironment
from migrator.verify.base import CheckContext, CheckModel, CheckResult
from migrator.verify.command import run_command, tail
from migrator.verify.registry import register_check

PROBE = Path(__file__).with_name("_container_probe.py")
MARKER = "@@migrator-container-probe@@ "


@register_check
class ContainerCheck(CheckModel):
    """Build `class` (a DeclarativeContainer) and prove its singletons and markers."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    kind: ClassVar[str] = "container"
    shorthand: ClassVar[str] = "class"

    container_class: str = Field(alias="class")
    """The container class, dotted: `app.container.AppContainer`."""
    settings: str | None = None
    """A settings class, or a factory (`app.config:Settings.load`: the module, `:`, then
    the attribute path), called with no arguments; the container gets what it returns."""
    settings_provider: str = "config"
    """The container's provider the settings override."""
    packages: list[str] | None = None
    """Packages or modules whose Provide[...] markers must resolve (default: the top package)."""
    env: dict[str, str] = Field(default_factory=dict)
    """Variables added to the environment (the settings read them)."""
    timeout: float = Field(default=120, gt=0)

    @field_validator("container_class")
    @classmethod
    def _dotted(cls, value: str) -> str:
        if not DOTTED.match(value) or "." not in value:
            raise ValueError(f"{value!r} is not a dotted path like app.container.AppContainer")
        return value

    @field_validator("settings")
    @classmethod
    def _dotted_or_factory(cls, value: str | None) -> str | None:
        if value is None:
            return value
        module, colon, attribute = value.partition(":")
        if not (DOTTED.match(module) and (DOTTED.match(attribute) if colon else "." in module)):
            raise ValueError(f"{value!r} is not a dotted path like app.config.Settings or a "
                             "factory like app.config:Settings.load")
        return value

    @field_validator("packages")
    @classmethod
    def _dotted_packages(cls, packages: list[str] | None) -> list[str] | None:
        for package in packages or []:
            if not DOTTED.match(package):
                raise ValueError(f"{package!r} is not a dotted package name like app")
        return packages

    def spec(self, roots: Sequence[str] = ()) -> dict[str, Any]:
        """What the probe is asked to do (`roots`: the app's source roots, see
        `migrator.codemods.source_roots`: they go on sys.path after the app's folder)."""
        return {"container": self.container_class, "settings": self.settings,
                "settings_provider": self.settings_provider,
                "packages": self.packages or [self.container_class.partition(".")[0]],
                "source_roots": list(roots)}

    def argv(self, environment: AppEnvironment | None, roots: Sequence[str] = ()) -> list[str]:
        python = environment.python if environment is not None else "python"
        return [python, str(PROBE), json.dumps(self.spec(roots))]

    def planned_commands(self, environment: AppEnvironment | None = None) -> list[list[str]]:
        return [self.argv(environment)]

    def describe(self) -> str:
        return f"{self.container_class}: one instance per Singleton, every Provide[...] resolves"

    def run(self, ctx: CheckContext) -> CheckResult:
        started = time.monotonic()
        argv = self.argv(ctx.environment, source_roots(ctx.root))
        env = {**ctx.environment.variables(), **{k: ctx.expand(v) for k, v in self.env.items()}}
        done = run_command(argv, ctx.root, env, self.timeout)

        def result(passed: bool, summary: str, evidence: list[str]) -> CheckResult:
            return CheckResult(self.name, passed, time.monotonic() - started, summary,
                               evidence, [argv])

        lines = [l for l in done.output.splitlines() if l.startswith(MARKER)]
        if done.timed_out:
            return result(False, f"building {self.container_class} timed out after "
                                 f"{self.timeout:g}s", tail(done.output))
        if not lines:
            why = done.output.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
            return result(False, f"the probe did not report: {why[0]}", tail(done.output))
        found = json.loads(lines[-1].removeprefix(MARKER))
        if "error" in found:
            return result(False, f"cannot build {self.container_class}: {found['error']}",
                          found.get("traceback", []))
        return result(not found["problems"], self._summary(found), self._evidence(found))

    def _summary(self, found: dict[str, Any]) -> str:
        singletons, problems = found["singletons"], found["problems"]
        if problems:
            return f"{len(problems)} wiring problem(s) in {self.container_class}"
        return (f"{len(singletons)} Singleton(s), each one instance shared by its dependents; "
                f"{found['markers']} Provide[...] marker(s) in {found['modules']} module(s) "
                "resolve")

    @staticmethod
    def _evidence(found: dict[str, Any]) -> list[str]:
        shared = [f"{name} -> {', '.join(users) if users else 'no other provider'}"
                  for name, users in sorted(found["singletons"].items())]
        inline = found["inline"]
        return [*found["problems"], *shared,
                *([f"{inline} unnamed inline Singleton(s)"] if inline else [])]
