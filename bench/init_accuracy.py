"""How close `migrate init` comes to the hand-written plan, section by section.

    .venv/bin/python bench/init_accuracy.py            # the table
    .venv/bin/python bench/init_accuracy.py --diff     # and every entry only one side has
    .venv/bin/python bench/init_accuracy.py --keep DIR # keep the draft (DIR/draft.yaml)

Lays out `migrate demo`'s world in a scratch folder (the bundled template as its own git
repository tagged v<VERSION>, the bundled Electronics Inventory fixture beside it), runs
`migrate init` on the app, and compares the draft's active entries with the hand plan
`migrator/plans/electronics-inventory.yaml`. Each section is a set of items:

- answers: (question, value) of the copier step's data;
- module moves: (old, new) of `move` entries whose old path is an app module;
- move map: every `move` entry (module and symbol moves, scoped or not);
- skip list, merges: the copier step's `skip` paths, (path, strategy) of its `merge`;
- rebases: (class, bases) of `rebase` steps and (symbol, new name) of `rename` steps;
- deletes: the `delete` steps' paths;
- checks: one item per fact a check checks: a command's argv, an http probe's method,
  path and status, each module of a references check, each answers value, the
  env-example settings class, the folders of a duplicates check, each required dependency.

precision = common / draft, recall = common / hand.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from migrator import demo
from migrator.init.command import run_init

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
        facts |= {("answers", k, str(v)) for k, v in check["answers"]["values"].items()}
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

    rebases = {("rebase", s["class"], ", ".join(s["bases"])) for s in _steps(plan, "rebase")}
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


def ratio(common: int, total: int) -> str:
    return f"{common / total:.2f}" if total else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diff", action="store_true", help="list the entries only one side has")
    parser.add_argument("--keep", type=Path, help="write the draft into this folder")
    args = parser.parse_args()

    sources = demo.Sources.bundled()
    with tempfile.TemporaryDirectory(prefix="init-accuracy-") as scratch:
        world = demo.lay_out(Path(scratch), sources, fresh=False)
        output = (args.keep or Path(scratch)) / "draft.yaml"
        output.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        run_init(str(world.template), world.app, [], output)
        seconds = time.monotonic() - started
        draft = sections(yaml.safe_load(output.read_text(encoding="utf-8")), world.app)
        hand = sections(yaml.safe_load(sources.plan.read_text(encoding="utf-8")), world.app)

    print(f"migrate init on the Electronics Inventory fixture: {seconds:.1f} s\n")
    print("| section | draft | hand | common | precision | recall |")
    print("|---|---|---|---|---|---|")
    for name in draft:
        common = len(draft[name] & hand[name])
        print(f"| {name} | {len(draft[name])} | {len(hand[name])} | {common} | "
              f"{ratio(common, len(draft[name]))} | {ratio(common, len(hand[name]))} |")
    if args.diff:
        for name in draft:
            only_draft, only_hand = draft[name] - hand[name], hand[name] - draft[name]
            if only_draft or only_hand:
                print(f"\n{name}:")
                print("\n".join(f"  draft only: {' | '.join(i)}" for i in sorted(only_draft)))
                print("\n".join(f"  hand only:  {' | '.join(i)}" for i in sorted(only_hand)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
