"""The `env-example` check: every field of a settings class appears in `.env.example`.

    - name: env example
      env-example: {settings: app.config.Settings, file: .env.example}

The class is imported in a subprocess (the app's interpreter, the tree on sys.path, cwd
at the tree), so inherited fields (e.g. from the template's CommonSettings) count. Each
field's environment name is its alias (or first validation alias) or its name, with
pydantic-settings' `env_prefix`; names compare case-insensitively unless the class sets
`case_sensitive`. A variable the file documents commented out (`# NAME=`) counts.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from typing import ClassVar

from pydantic import field_validator

from migrator.codemods.source_roots import source_roots
from migrator.environment import AppEnvironment
from migrator.merge.dotenv import dotenv_variables
from migrator.verify.base import CheckContext, CheckModel, CheckResult
from migrator.verify.command import run_command, tail
from migrator.verify.registry import register_check

# Runs in the subprocess: argv[1] = "module.Class", argv[2:] = the app's source roots (`src`
# of a src layout, on sys.path after the app's folder); prints {"fields": {...}, "case_sensitive": b}.
_LIST_FIELDS = r"""
import importlib, json, sys
sys.path[0:0] = [".", *sys.argv[2:]]
module_name, _, class_name = sys.argv[1].rpartition(".")
cls = getattr(importlib.import_module(module_name), class_name)
config = getattr(cls, "model_config", {}) or {}
prefix = config.get("env_prefix", "") or ""
fields = {}
for name, info in getattr(cls, "model_fields", {}).items():
    env = None
    alias = getattr(info, "validation_alias", None)
    if isinstance(alias, str):
        env = alias
    elif alias is not None and getattr(alias, "choices", None):
        first = alias.choices[0]
        env = first if isinstance(first, str) else None
    if env is None:
        env = prefix + (info.alias or name)
    fields[name] = env
if not fields:
    fields = {n: n for n in getattr(cls, "__annotations__", {})}
print("MIGRATOR-FIELDS " + json.dumps({"fields": fields, "case_sensitive": bool(config.get("case_sensitive", False))}))
"""
_DOTTED_CLASS = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")


@register_check
class EnvExampleCheck(CheckModel):
    """Every field of the settings class `settings` is named in `file`."""

    kind: ClassVar[str] = "env-example"

    settings: str
    file: str = ".env.example"
    timeout: float = 60

    @field_validator("settings")
    @classmethod
    def _dotted(cls, value: str) -> str:
        if not _DOTTED_CLASS.match(value):
            raise ValueError(f"{value!r} is not a dotted class path like app.config.Settings")
        return value

    def argv(self, environment: AppEnvironment, roots: Sequence[str] = ()) -> list[str]:
        """The app's interpreter imports the app's settings class and lists its fields."""
        return [environment.python, "-c", _LIST_FIELDS, self.settings, *roots]

    def planned_commands(self, environment: AppEnvironment | None = None) -> list[list[str]]:
        python = environment.python if environment is not None else "python"
        return [[python, "-c", "<list the fields of the class>", self.settings]]

    def describe(self) -> str:
        return f"every field of {self.settings} in {self.file}"

    def run(self, ctx: CheckContext) -> CheckResult:
        started = time.monotonic()
        argv = self.argv(ctx.environment, source_roots(ctx.root))

        def result(passed: bool, summary: str, evidence: list[str]) -> CheckResult:
            return CheckResult(self.name, passed, time.monotonic() - started, summary, evidence, [argv])

        path = ctx.root / self.file
        if not path.is_file():
            return result(False, f"{self.file} does not exist", [])
        done = run_command(argv, ctx.root, ctx.environment.variables(), timeout=self.timeout)
        marker = [l for l in done.output.splitlines() if l.startswith("MIGRATOR-FIELDS ")]
        if done.returncode != 0 or not marker:
            why = "timed out" if done.timed_out else "failed"
            return result(False, f"importing {self.settings} {why}", tail(done.output))
        listed = json.loads(marker[-1].removeprefix("MIGRATOR-FIELDS "))
        fields: dict[str, str] = listed["fields"]

        def norm(name: str) -> str:
            return name if listed["case_sensitive"] else name.upper()

        present = {norm(v) for v in dotenv_variables(path.read_text(encoding="utf-8"))}
        missing = [f"{env} (field {name})" for name, env in fields.items() if norm(env) not in present]
        if missing:
            return result(
                False, f"{len(missing)} of {len(fields)} settings field(s) missing from {self.file}", missing
            )
        return result(True, f"all {len(fields)} settings field(s) of {self.settings} in {self.file}", [])
