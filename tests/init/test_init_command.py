"""The `migrate init` command: what it writes, what it prints, what it refuses, what it leaves alone.

The draft must load as a plan, validate against `migrate schema`, and run with
`migrate plan --target` as it stands; the app and the template are never modified
(hashed before and after, the app's `.git` included).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml
from init_apps import LIFECYCLE
from treehash import differences, fingerprint, git_dir_fingerprint
from typer.testing import CliRunner

from migrator import engine
from migrator.cli import app as cli
from migrator.init.command import run_init
from migrator.init.model import plain
from migrator.plan import load_plan, plan_json_schema

MakeApp = Callable[..., Path]


def migrate(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def folder_hash(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_plan_loads_validates_and_runs_with_plan_target(mini_template: Path, make_app: MakeApp,
                                                            tmp_path: Path) -> None:
    app = make_app()
    app_before, git_before = fingerprint(app), git_dir_fingerprint(app)
    template_before = folder_hash(mini_template)
    output = tmp_path / "draft.yaml"

    code, stdout, stderr = migrate("init", "--template", mini_template, "--target", app,
                                   "--output", output)

    assert code == 0, stderr
    assert f"wrote {output}" in stdout and "questions" in stdout
    plan = load_plan(output)
    jsonschema.validate(yaml.safe_load(output.read_text()), plan_json_schema())
    # The draft's command steps run in the app's environment: here, this test's interpreter.
    report = engine.plan_report(output, app, python=sys.executable)
    assert [s.title() for s in plan.steps][:2] == ["Apply the template", "Point imports at the template's modules"]
    assert report is not None
    # read, never written: the app (its .git too) and the template
    assert differences(app_before, fingerprint(app)) == []
    assert git_dir_fingerprint(app) == git_before
    assert folder_hash(mini_template) == template_before


def test_the_yaml_text_is_the_model(mini_template: Path, make_app: MakeApp) -> None:
    """Every active entry reads back as written, every commented-out one is absent."""
    hooks = LIFECYCLE.replace("class Lifecycle:", "class StopHooks:")
    result = run_init(str(mini_template), make_app({"app/hooks.py": hooks}), [], None)

    loaded = yaml.safe_load(result.text)
    plan = result.inference.plan
    assert loaded["steps"] == [plain(s.entry) for s in plan.steps if s.entry.active]
    assert loaded["verify"] == [plain(s.entry) for s in plan.checks]
    assert "# question:" in result.text and "# What remains for a human" in result.text


def test_json_prints_the_inference_and_the_plan(mini_template: Path, make_app: MakeApp) -> None:
    code, stdout, _ = migrate("init", "--template", mini_template, "--target", make_app(), "--json")

    assert code == 0
    data = json.loads(stdout)
    assert data["answers"]["use_cache"] == {"value": False, "confidence": "high",
                                            "evidence": data["answers"]["use_cache"]["evidence"],
                                            "written": True}
    health = next(m for m in data["matches"] if m["app_module"] == "app.web.health")
    assert (health["template_module"], health["score"], health["decision"]) == ("lib.web.health", 1.0, "move")
    assert {s["name"] for s in health["symbols"]} == {"health_bp", "live", "ready"}
    assert data["output"] is None and data["plan"].startswith("# Drafted by `migrate init`")
    assert data["counts"]["steps"] >= 3


def test_without_output_the_plan_goes_to_stdout(mini_template: Path, make_app: MakeApp) -> None:
    code, stdout, stderr = migrate("init", "--template", mini_template, "--target", make_app())

    assert code == 0
    assert yaml.safe_load(stdout)["name"] == "orders"
    assert "drafted the plan" in stderr


@pytest.mark.parametrize("where", ["inside the app", "inside the template", "existing file"])
def test_output_that_would_touch_the_app_the_template_or_a_file_is_refused(
        mini_template: Path, make_app: MakeApp, tmp_path: Path, where: str) -> None:
    app = make_app()
    existing = tmp_path / "taken.yaml"
    existing.write_text("mine\n")
    output = {"inside the app": app / "plan.yaml", "inside the template": mini_template / "plan.yaml",
              "existing file": existing}[where]
    before, template_before = fingerprint(app), folder_hash(mini_template)

    code, _stdout, stderr = migrate("init", "--template", mini_template, "--target", app, "--output", output)

    assert code == 2
    assert stderr.startswith("error: ") and stderr.count("\n") == 1 and "Traceback" not in stderr
    assert differences(before, fingerprint(app)) == []
    assert folder_hash(mini_template) == template_before
    assert existing.read_text() == "mine\n"


def test_bad_data_is_one_line_and_exit_2(mini_template: Path, make_app: MakeApp) -> None:
    code, _, stderr = migrate("init", "--template", mini_template, "--target", make_app(), "--data", "nope=1")

    assert code == 2
    assert stderr == "error: --data nope: the template asks no such question (it asks: container_module, " \
                     "project_description, project_name, use_cache, use_queue)\n"


def test_a_missing_template_is_one_line_and_exit_2(make_app: MakeApp, tmp_path: Path) -> None:
    code, _, stderr = migrate("init", "--template", tmp_path / "nowhere", "--target", make_app(), "--json")

    assert code == 2
    assert stderr.startswith("error: template") and "not found" in stderr


def test_a_template_that_is_a_file_is_one_line_saying_so(make_app: MakeApp, tmp_path: Path) -> None:
    """A file given as the template said `not found`, though it is there."""
    (tmp_path / "copier.yml").write_text("project_name: x\n")
    code, _, stderr = migrate("init", "--template", tmp_path / "copier.yml", "--target", make_app())

    assert code == 2
    assert stderr == (f"error: template {tmp_path / 'copier.yml'} is a file, not a folder "
                      "(give the template's folder or git URL)\n")


def test_a_template_given_as_a_git_url_is_cloned_and_named_by_its_url(
        mini_template: Path, make_app: MakeApp, make_repo: Callable[..., Path], tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "published" / "mini", {
        p.relative_to(mini_template).as_posix(): p.read_text()
        for p in mini_template.rglob("*") if p.is_file()})
    url = repo.as_uri()

    result = run_init(url, make_app(), [], None)

    copier = yaml.safe_load(result.text)["steps"][0]["copier"]
    assert copier["src"] == url
    assert result.inference.matching.modules["app.web.health"].template_module == "lib.web.health"
