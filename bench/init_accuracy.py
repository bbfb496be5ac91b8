"""How close `migrate init` comes to the hand-written plan, section by section.

    .venv/bin/python bench/init_accuracy.py            # the table
    .venv/bin/python bench/init_accuracy.py --diff     # and every entry only one side has
    .venv/bin/python bench/init_accuracy.py --keep DIR # keep the draft (DIR/draft.yaml)
    .venv/bin/python bench/init_accuracy.py --app iot-support   # the second customer app

Lays out `migrate demo`'s world in a scratch folder (the bundled template as its own git
repository tagged v<VERSION>, the bundled app beside it: Electronics Inventory, or with
`--app iot-support` the IoT Support monorepo), runs
`migrate init` on the app, and compares the draft's active entries with the hand plan
`migrator/plans/electronics-inventory.yaml`, section by section (the items of each
section: `migrator.init.compare`). precision = common / draft, recall = common / hand.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from migrator import demo
from migrator.init.command import run_init
from migrator.init.compare import compare


def ratio(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diff", action="store_true", help="list the entries only one side has")
    parser.add_argument("--keep", type=Path, help="write the draft into this folder")
    parser.add_argument("--app", default=demo.DEFAULT_APP, choices=sorted(demo.APPS),
                        help="the bundled app and its hand-written plan")
    args = parser.parse_args()

    sources = demo.Sources.bundled(args.app)
    with tempfile.TemporaryDirectory(prefix="init-accuracy-") as scratch:
        world = demo.lay_out(Path(scratch), sources, fresh=False)
        output = (args.keep or Path(scratch)) / "draft.yaml"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.unlink(missing_ok=True)
        started = time.monotonic()
        run_init(str(world.template), world.app, [], output)
        seconds = time.monotonic() - started
        scores, differences = compare(yaml.safe_load(output.read_text(encoding="utf-8")),
                                      yaml.safe_load(sources.plan.read_text(encoding="utf-8")),
                                      world.app)

    print(f"migrate init on the {sources.app.title} fixture: {seconds:.1f} s\n")
    print("| section | draft | hand | common | precision | recall |")
    print("|---|---|---|---|---|---|")
    for score in scores:
        print(f"| {score.section} | {score.draft} | {score.hand} | {score.common} | "
              f"{ratio(score.precision)} | {ratio(score.recall)} |")
    if args.diff:
        for name, (only_draft, only_hand) in differences.items():
            if only_draft or only_hand:
                print(f"\n{name}:")
                for item in sorted(only_draft):
                    print(f"  draft only: {' | '.join(item)}")
                for item in sorted(only_hand):
                    print(f"  hand only:  {' | '.join(item)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
