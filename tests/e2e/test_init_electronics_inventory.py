"""End to end: `migrate init` on the bundled Electronics Inventory fixture (issue 11).

1. init reads the app and the template repository and writes neither (both hashed, .git too).
2. The draft's answers, module moves and deletes equal the hand plan's.
3. The draft validates against `migrate schema` and runs with `migrate plan --target`.
4. The draft, with the hand plan's hand-written steps added, migrates the app so that every
   check of the hand plan passes (PostgreSQL included). Added from the hand plan: its
   `write` and `patch` steps, and the two kinds of codemod step the draft never infers but
   whose need its checklist names: `set_members` (the container's overrides) and the
   scoped `move` (`files:`), plus the `keep:`/`drop:` decisions on the rebases the draft's
   checklist asks for ("keep the overrides, or align them").
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from treehash import differences, fingerprint, git_dir_fingerprint

from migrator import demo, engine
from migrator.init.command import InitResult, run_init
from migrator.init.compare import compare
from migrator.plan import plan_json_schema

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def venv_python_on_path() -> Iterator[None]:
    """`python` in the plans' command steps and checks is this virtual environment's (it
    has the fixture's dependencies), also where the engine takes the app's interpreter from
    PATH."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
        yield


@dataclass
class Drafted:
    app: Path
    path: Path
    result: InitResult
    before: dict[str, dict[str, str]]
    after: dict[str, dict[str, str]]


def _hashes(app: Path, template: Path) -> dict[str, dict[str, str]]:
    return {"app": fingerprint(app), "app .git": git_dir_fingerprint(app),
            "template": fingerprint(template), "template .git": git_dir_fingerprint(template)}


@pytest.fixture(scope="module")
def drafted(world: demo.World, fresh_app: Callable[[str], Path],
            tmp_path_factory: pytest.TempPathFactory) -> Drafted:
    app = fresh_app("InitDraft")
    before = _hashes(app, world.template)
    path = tmp_path_factory.mktemp("draft") / "electronics-inventory.yaml"
    result = run_init(str(world.template), app, [], path)
    return Drafted(app, path, result, before, _hashes(app, world.template))


def test_init_reads_but_never_writes_the_app_or_the_template(drafted: Drafted) -> None:
    for name, before in drafted.before.items():
        assert differences(before, drafted.after[name]) == [], f"{name} changed"


def test_answers_module_moves_and_deletes_equal_the_hand_plan(drafted: Drafted, sources: demo.Sources) -> None:
    draft = yaml.safe_load(drafted.path.read_text())
    hand = yaml.safe_load(sources.plan.read_text())

    scores, different = compare(draft, hand, drafted.app)

    for section in ("answers", "module moves", "deletes"):
        only_draft, only_hand = different[section]
        assert not only_draft and not only_hand, f"{section}: draft only {only_draft}, hand only {only_hand}"
    by_name = {s.section: s for s in scores}
    assert by_name["module moves"].common == 8 and by_name["deletes"].common == 16


def test_the_draft_validates_and_runs_with_plan_target(drafted: Drafted) -> None:
    jsonschema.validate(yaml.safe_load(drafted.path.read_text()), plan_json_schema())

    report = engine.plan_report(drafted.path, drafted.app)

    titles = [s.title for s in report.steps]
    assert titles[:2] == ["Apply the template", "Point imports at the template's modules"]
    assert "common/core/settings.py" in report.steps[0].changes.created
    assert set(report.steps[titles.index("Delete what the template replaces")].changes.deleted) >= {
        "app/services/s3_service.py", "tests/test_s3_service.py"}


def _hand_written(hand: dict[str, Any]) -> list[dict[str, Any]]:
    """The hand plan's steps that no inference writes (see the module docstring)."""
    return [step for step in hand["steps"]
            if "write" in step or "patch" in step or step.get("codemod") == "set_members"
            or (step.get("codemod") == "move" and "files" in step)]


def _with_hand_steps(draft: dict[str, Any], hand: dict[str, Any]) -> dict[str, Any]:
    hand_rebases = {s["class"]: s for s in hand["steps"] if s.get("codemod") == "rebase"}
    for step in draft["steps"]:
        decided = hand_rebases.get(step.get("class", ""), {})
        step.update({k: decided[k] for k in ("keep", "drop") if k in decided})
    delete = next(i for i, s in enumerate(draft["steps"]) if "delete" in s)
    draft["steps"][delete:delete] = _hand_written(hand)
    return draft


def test_the_draft_with_the_hand_written_steps_passes_the_hand_plans_checks(
        drafted: Drafted, fresh_app: Callable[[str], Path], sources: demo.Sources,
        tmp_path: Path) -> None:
    app = fresh_app("InitDraftApplied")
    hand = yaml.safe_load(sources.plan.read_text())
    combined = _with_hand_steps(yaml.safe_load(drafted.path.read_text()), hand)
    shipped = sources.plan.parent / sources.plan.stem
    shutil.copytree(shipped, tmp_path / shipped.name)
    plan = tmp_path / "draft-and-hand-steps.yaml"
    plan.write_text(yaml.safe_dump(combined, sort_keys=False))

    engine.apply(plan, app, verify=False)
    verification = engine.verify(sources.plan, app, jobs=2)

    planned = [c.name for c in engine.load_plan(sources.plan).checks]
    assert [r.name for r in verification.results] == planned
    failures = "\n".join(f"- {r.name}: {r.summary}\n" + "\n".join(r.evidence[-15:])
                         for r in verification.failed)
    assert verification.passed, failures
