"""The `migrate init` command's core: infer, write the plan (proved to load first), summarise.

The CLI only parses options and prints; tests call `run_init` as the CLI does.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrator.errors import MigratorError, UsageError
from migrator.init.draft import Inference, as_json, infer
from migrator.init.model import Entry
from migrator.init.writer import plan_text
from migrator.plan import load_plan


@dataclass
class InitResult:
    inference: Inference
    text: str
    output: Path | None


def _refuse_output(output: Path, protected: list[Path]) -> None:
    resolved = output.expanduser().resolve()
    for folder in protected:
        if resolved == folder or resolved.is_relative_to(folder):
            raise UsageError(f"--output {output} is inside {folder}, which init never writes to",
                             "write the plan somewhere else")
    if resolved.exists():
        raise UsageError(f"--output {output} already exists", "remove it or choose another path")
    if not resolved.parent.is_dir():
        raise UsageError(f"--output {output}: folder {resolved.parent} does not exist")


def check_loads(text: str) -> None:
    """The draft must load and validate as a plan; a failure here is a bug of init."""
    with tempfile.TemporaryDirectory(prefix="migrate-init-check-") as folder:
        path = Path(folder) / "plan.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_plan(path)
        except MigratorError as exc:
            raise MigratorError(f"the drafted plan does not load ({exc})",
                                "please report this; run with --json to see the inference") from None


def run_init(template: str, target: Path, data: list[str], output: Path | None, *,
             trust: bool = False) -> InitResult:
    if output is not None:
        folder = Path(template).expanduser().resolve()
        _refuse_output(output, [target.resolve()] + ([folder] if folder.is_dir() else []))
    inference = infer(template, target, data, trust=trust)
    text = plan_text(inference.plan)
    check_loads(text)
    if output is not None:
        output.expanduser().write_text(text, encoding="utf-8")
    return InitResult(inference, text, output)


def _entries(value: Any) -> list[Entry]:
    found: list[Entry] = []
    if isinstance(value, Entry):
        found.append(value)
        value = value.value
    if isinstance(value, dict):
        for item in value.values():
            found += _entries(item)
    elif isinstance(value, list):
        for item in value:
            found += _entries(item)
    return found


def counts(result: InitResult) -> dict[str, int]:
    plan = result.inference.plan
    entries = [e for s in [*plan.steps, *plan.checks] for e in _entries(s.entry)]
    tally = {"steps": sum(s.entry.active for s in plan.steps), "checks": len(plan.checks),
             "high": 0, "medium": 0, "low": 0, "questions": 0, "checklist": len(plan.checklist)}
    for entry in entries:
        if not entry.active:
            tally["questions"] += 1
        elif entry.confidence in ("high", "medium", "low"):
            tally[entry.confidence] += 1
    return tally


def summary(result: InitResult) -> str:
    c = counts(result)
    where = f"wrote {result.output}" if result.output else "drafted the plan"
    return (f"{where}: {c['steps']} steps, {c['checks']} checks; entries: {c['high']} high, "
            f"{c['medium']} medium, {c['low']} low confidence, {c['questions']} questions "
            f"(commented out); {c['checklist']} checklist items for a human")


def result_json(result: InitResult) -> dict[str, Any]:
    data = as_json(result.inference)
    data["counts"] = counts(result)
    data["output"] = str(result.output) if result.output else None
    if result.output is None:
        data["plan"] = result.text
    return data
