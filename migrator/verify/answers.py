"""The `answers` check: the Copier answers file holds the given values.

    - name: answers
      answers: {file: .copier-answers.yml, values: {project_name: electronics-inventory, use_s3: true}}
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

import yaml

from migrator.verify.base import CheckContext, CheckModel, CheckResult
from migrator.verify.registry import register_check

_MISSING = object()


@register_check
class AnswersCheck(CheckModel):
    """Every key of `values` is in the answers file with that value (YAML types compared)."""

    kind: ClassVar[str] = "answers"

    file: str = ".copier-answers.yml"
    values: dict[str, Any]

    def describe(self) -> str:
        return f"{self.file} holds {', '.join(self.values)}"

    def run(self, ctx: CheckContext) -> CheckResult:
        started = time.monotonic()

        def result(passed: bool, summary: str, evidence: list[str]) -> CheckResult:
            return CheckResult(self.name, passed, time.monotonic() - started, summary, evidence)

        path = ctx.root / self.file
        if not path.is_file():
            return result(False, f"{self.file} does not exist", [])
        try:
            answers = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            return result(False, f"{self.file} is not valid YAML: {exc}".splitlines()[0], [])
        if not isinstance(answers, dict):
            return result(False, f"{self.file} is not a mapping of answers", [])
        evidence: list[str] = []
        wrong = 0
        for key, expected in self.values.items():
            found = answers.get(key, _MISSING)
            if found is _MISSING:
                wrong += 1
                evidence.append(f"{key}: missing (expected {expected!r})")
            elif found != expected or type(found) is not type(expected):
                wrong += 1
                evidence.append(f"{key}: {found!r} (expected {expected!r})")
            else:
                evidence.append(f"{key}: {found!r}")
        if wrong:
            return result(False, f"{wrong} of {len(self.values)} answer(s) differ in {self.file}", evidence)
        return result(True, f"{len(self.values)} answer(s) as expected in {self.file}", evidence)
