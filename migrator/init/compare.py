"""Two plans compared section by section (a draft and the plan written by hand).

`sections(plan, app)` reads a plan (as YAML data) into sets of comparable items:

- answers: (question, value) of the copier step's data;
- module moves: (old, new) of `move` entries whose old path is a module of the app;
- move map: every `move` entry (module and symbol moves, scoped or not);
- skip list, merges: the copier step's `skip` paths, (path, strategy) of its `merge`;
- rebases: (class, bases) of `rebase` steps and (symbol, new name) of `rename` steps;
- deletes: the `delete` steps' paths;
- checks: one item per fact a check checks: a command's argv, an http probe's method,
  path and status, each module of a references check, each answers value, the
  env-example settings class, the folders of a duplicates check, each required dependency.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Item = tuple[str, ...]


def _steps(plan: dict[str, Any], kind: str) -> Iterator[dict[str, Any]]:
    for step in plan.get("steps", []):
        if kind in step or step.get("codemod") == kind:
            yield step


def _copier(plan: dict[str, Any]) -> dict[str, Any]:
    step = next(_steps(plan, "copier"))["copier"]
    return step if isinstance(step, dict) else {}


def _moves(plan: dict[str, Any]) -> dict[str, str]:
    moves: dict[str, str] = {}
    for step in _steps(plan, "move"):
        moves.update(step["moves"])
    return moves


def _check_facts(check: dict[str, Any]) -> set[Item]:
    facts: set[Item] = set()
    if "command" in check:
        value = check["command"]
        argv = value["argv"] if isinstance(value, dict) else value
        facts.add(("command", " ".join(argv)))
    if "http" in check:
        for probe in check["http"].get("probes", []):
            facts.add(("http", probe.get("method", "GET").upper(), probe["path"].split("?")[0],
                       str(probe.get("status", 200))))
    if "references" in check:
        value = check["references"]
        modules = value["modules"] if isinstance(value, dict) else value
        facts |= {("references", m) for m in modules}
    if "answers" in check:
        facts |= {("answers", str(k), str(v)) for k, v in check["answers"]["values"].items()}
    if "env-example" in check:
        facts.add(("env-example", check["env-example"]["settings"]))
    if "duplicates" in check:
        facts.add(("duplicates", check["duplicates"]["left"], check["duplicates"]["right"]))
    if "dependencies" in check:
        value = check["dependencies"]
        names = value["require"] if isinstance(value, dict) else value
        facts |= {("dependencies", n) for n in names}
    return facts


def sections(plan: dict[str, Any], app: Path) -> dict[str, set[Item]]:
    copier = _copier(plan)
    moves = _moves(plan)

    def is_module(dotted: str) -> bool:
        stem = app / dotted.replace(".", "/")
        return stem.with_suffix(".py").is_file() or (stem / "__init__.py").is_file()

    rebases: set[Item] = {("rebase", s["class"], ", ".join(s["bases"])) for s in _steps(plan, "rebase")}
    rebases |= {("rename", s["symbol"], s["to"]) for s in _steps(plan, "rename")}
    return {
        "answers": {(k, str(v)) for k, v in copier.get("data", {}).items()},
        "module moves": {(old, new) for old, new in moves.items() if is_module(old)},
        "move map": set(moves.items()),
        "skip list": {(p,) for p in copier.get("skip", [])},
        "merges": set(copier.get("merge", {}).items()),
        "rebases": rebases,
        "deletes": {(p,) for s in _steps(plan, "delete") for p in s["delete"]},
        "checks": set().union(*(_check_facts(c) for c in plan.get("verify", []))),
    }


@dataclass(frozen=True)
class Score:
    section: str
    draft: int
    hand: int
    common: int

    @property
    def precision(self) -> float | None:
        return self.common / self.draft if self.draft else None

    @property
    def recall(self) -> float | None:
        return self.common / self.hand if self.hand else None


def compare(draft: dict[str, Any], hand: dict[str, Any], app: Path) -> tuple[list[Score], dict[str, tuple[set[Item], set[Item]]]]:
    """Scores per section, and per section (only in the draft, only in the hand plan)."""
    mine, theirs = sections(draft, app), sections(hand, app)
    scores = [Score(name, len(mine[name]), len(theirs[name]), len(mine[name] & theirs[name]))
              for name in mine]
    return scores, {name: (mine[name] - theirs[name], theirs[name] - mine[name]) for name in mine}
