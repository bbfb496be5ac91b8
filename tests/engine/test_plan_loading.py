"""Plans: YAML -> models, `plan.yaml:LINE: key: expected` errors, the schema, markdown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from engine_helpers import migrate, write_plan

from migrator.errors import PlanError
from migrator.plan import load_plan, plan_json_schema

GOOD = """
name: demo
description: a plan
data: {project: demo}
steps:
  - test-put: {path: app/new.py, content: "x = 1\\n"}
    why: the one file
  - test-remove: [README.md]
  - codemod: test-rename-name
    old: helper
    new: assist
verify:
  - {name: new file, test-file: app/new.py}
  - name: readme
    test-file: {path: README.md, contains: tiny}
"""


def test_a_good_plan_loads_into_models(plans: Path) -> None:
    plan = load_plan(write_plan(plans, GOOD))
    assert plan.name == "demo" and plan.data == {"project": "demo"}
    assert [s.kind for s in plan.steps] == ["test-put", "test-remove", "codemod"]
    assert plan.steps[0].why == "the one file"
    assert plan.steps[1].paths == ["README.md"]
    assert [c.name for c in plan.checks] == ["new file", "readme"]
    assert plan.step_lines == [5, 7, 8]


def test_a_plan_with_a_single_codemod_step_is_valid(plans: Path) -> None:
    plan = load_plan(write_plan(plans, """
        name: one
        steps:
          - codemod: test-rename-name
            old: a
            new: b
    """))
    assert len(plan.steps) == 1 and plan.checks == []


@pytest.mark.parametrize(("text", "expected"), [
    ("name: x\nsteps:\n  - test-put: {path: a, colour: red}\n",
     "plan.yaml:3: steps[0].test-put.colour: unknown key (expected one of: content, mode, name, path, why)"),
    ("name: x\nsteps:\n  - write: {path: a, form: b}\n",
     "plan.yaml:3: steps[0].write.form: unknown key (expected one of: from, name, path, render, why)"),
    ("name: x\nsteps:\n  - test-put:\n      path: [1, 2]\n",
     "plan.yaml:4: steps[0].test-put.path: input should be a valid string"),
    ("name: x\nsteps:\n  - test-put: {content: x}\n",
     "plan.yaml:3: steps[0].test-put.path: required key is missing"),
    ("name: x\nsteps:\n  - frobnicate: {}\n",
     "plan.yaml:3: steps[0]: unknown step kind 'frobnicate'"),
    ("name: x\nsteps: []\nextra: 1\n", "plan.yaml:3: extra: unknown key"),
    ("steps: []\n", "plan.yaml:1: name: required key is missing"),
    ("name: x\nsteps:\n  - codemod: nope\n", "plan.yaml:3: steps[0].codemod: unknown codemod 'nope'"),
    ("name: x\nsteps:\n  - codemod: test-rename-name\n    old: a\n    new: [b]\n",
     "plan.yaml:5: steps[0].new: input should be a valid string"),
    ("name: x\nsteps:\n  - codemod: test-rename-name\n    old: a\n",
     "plan.yaml:3: steps[0].new: required key is missing"),
    ("name: x\nsteps: []\nverify:\n  - {test-file: a}\n",
     "plan.yaml:4: verify[0].name: required key is missing"),
    ("name: x\nsteps: []\nverify:\n  - {name: a, test-file: a}\n  - {name: a, test-file: b}\n",
     "plan.yaml:5: verify[1].name: duplicate check name 'a'"),
    ("name: x\nname: y\nsteps: []\n", "plan.yaml:2: name: duplicate key"),
    ("name: x\nsteps:\n  - test-put: 3\n",
     "plan.yaml:3: steps[0].test-put: expected a mapping of its settings"),
    ("name: x\nsteps:\n  - {test-put: {path: a}, test-remove: [b]}\n",
     "plan.yaml:3: steps[0]: has 2 step kind keys"),
])
def test_errors_name_file_line_and_key(plans: Path, text: str, expected: str) -> None:
    path = plans / "plan.yaml"
    path.write_text(text)
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    message = str(caught.value).replace(str(path), "plan.yaml")
    assert message.startswith(expected), message


def test_malformed_yaml_names_the_line(plans: Path) -> None:
    path = write_plan(plans, "name: x\nsteps:\n  - test-put: {path: a\n  - b\n")
    with pytest.raises(PlanError, match=r"plan.yaml:5: malformed YAML: .*starts on line 3"):
        load_plan(path)


def test_a_missing_shipped_file_is_a_plan_error_with_its_line(plans: Path) -> None:
    path = write_plan(plans, """
        name: x
        steps:
          - write: {path: app/a.py, from: files/missing.py}
    """)
    with pytest.raises(PlanError, match=r"plan.yaml:3: steps\[0\].write.from: file 'files/missing.py' not found"):
        load_plan(path)


def test_shipped_files_resolve_beside_the_plan(plans: Path) -> None:
    (plans / "files").mkdir()
    (plans / "files" / "a.py").write_text("A = 1\n")
    plan = load_plan(write_plan(plans, """
        name: x
        steps:
          - write: {path: app/a.py, from: files/a.py}
    """))
    assert plan.plan_dir == plans.resolve()


def test_schema_lists_every_kind_and_is_json(tmp_path: Path) -> None:
    schema = plan_json_schema()
    step_titles = {v["title"] for v in schema["properties"]["steps"]["items"]["oneOf"]}
    assert {"test-put", "test-remove", "codemod test-rename-name", "write", "delete"} <= step_titles
    check_titles = {v["title"] for v in schema["properties"]["verify"]["items"]["oneOf"]}
    assert "test-file" in check_titles
    run = migrate("schema")
    assert run.exit_code == 0
    assert json.loads(run.stdout)["title"] == "template-migrator plan"


def test_the_schema_accepts_a_valid_plan_and_rejects_an_unknown_key() -> None:
    import jsonschema
    import yaml

    schema = plan_json_schema()
    document = yaml.safe_load(GOOD)
    document["steps"].append({"delete": {"paths": ["a.py"], "missing_ok": False}})
    document["steps"].append({"delete": ["b.py"], "why": "shorthand form"})
    jsonschema.validate(document, schema)
    document["steps"][0]["test-put"]["colour"] = "red"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


@pytest.mark.parametrize("plan_file", ["electronics-inventory.yaml", "iot-support.yaml",
                                       "iot-support.draft.yaml"])
def test_the_schema_accepts_the_bundled_plans(plan_file: str) -> None:
    import jsonschema
    import yaml
    from engine_helpers import ROOT

    path = ROOT / "migrator" / "plans" / plan_file
    load_plan(path)
    jsonschema.validate(yaml.safe_load(path.read_text()), plan_json_schema())


@pytest.mark.parametrize("text", [
    "name: p\nsteps:\n  - delete: []\n",
    "name: p\nsteps:\n  - delete: {paths: []}\n",
    "name: p\nsteps:\n  - delete: [a]\nverify:\n  - {name: r, references: []}\n",
], ids=["delete-shorthand", "delete-paths", "references"])
def test_an_empty_list_the_loader_refuses_the_schema_refuses_too(plans: Path, text: str) -> None:
    """`delete: []` and `references: []` were refused at load but valid for the schema, so
    an editor showed no error on a plan `migrate` would not run."""
    import jsonschema
    import yaml

    with pytest.raises(PlanError, match="at least one"):
        load_plan(write_plan(plans, text))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yaml.safe_load(text), plan_json_schema())


@pytest.mark.parametrize("step", [
    {"codemod": "rename", "symbol": "app.util.helper", "to": "class"},
    {"codemod": "rename", "symbol": "app.util.helper", "to": "__debug__"},
    {"codemod": "rename", "symbol": "app.util.helper", "to": "not-a-name"},
    {"codemod": "rename", "symbol": "app.class.helper", "to": "assist"},
    {"codemod": "rename", "symbol": "helper", "to": "assist"},
    {"codemod": "move", "moves": {"app.util": "app.class.util"}},
    {"codemod": "move", "moves": {"app..util": "app.tools"}},
    {"relocate": {"app.util": "app.None.util"}},
    {"relocate": {"app.util": "app.util.__debug__"}},
], ids=["to-keyword", "to-__debug__", "to-dash", "symbol-keyword", "symbol-undotted",
        "move-keyword", "move-empty-segment", "relocate-None", "relocate-__debug__"])
def test_a_name_the_loader_refuses_the_schema_refuses_too(plans: Path, step: dict[str, object]) -> None:
    """Names that would not compile were refused at load but valid for the schema."""
    import jsonschema
    import yaml

    document = {"name": "p", "steps": [step]}
    with pytest.raises(PlanError):
        load_plan(write_plan(plans, yaml.safe_dump(document)))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, plan_json_schema())


@pytest.mark.parametrize(("params", "valid"), [
    ({}, False), ({"set": {}}, False), ({"remove": []}, False),
    ({"set": {"url_prefix": '"/api"'}}, True), ({"remove": ["debug"]}, True),
    ({"set": {}, "remove": ["debug"]}, True),
], ids=["neither", "empty-set", "empty-remove", "set", "remove", "empty-set-and-remove"])
def test_call_args_needs_set_or_remove_in_the_loader_and_the_schema(
        plans: Path, params: dict[str, object], valid: bool) -> None:
    """A call_args step with nothing to do was refused at load but valid for the schema."""
    import jsonschema
    import yaml

    document = {"name": "p", "steps": [{"codemod": "call_args", "callable": "app.run",
                                        **params}]}
    errors = list(jsonschema.Draft202012Validator(plan_json_schema()).iter_errors(document))
    assert (errors == []) is valid
    if valid:
        load_plan(write_plan(plans, yaml.safe_dump(document)))
    else:
        with pytest.raises(PlanError, match="give `set`, `remove` or both"):
            load_plan(write_plan(plans, yaml.safe_dump(document)))


def test_the_schema_accepts_names_the_loader_accepts() -> None:
    import jsonschema

    document = {"name": "p", "steps": [
        {"codemod": "rename", "symbol": "app.match.helper", "to": "match"},
        {"codemod": "rename", "symbol": "app.util.helper", "to": "Ünï"},
        {"codemod": "move", "moves": {"app.util": "app._tools.util2"}},
        {"relocate": {"app.util": "app.type.util"}},
    ]}
    jsonschema.validate(document, plan_json_schema())


def test_the_readme_plan_example_matches_the_schema() -> None:
    import jsonschema
    import yaml
    from engine_helpers import ROOT

    readme = (ROOT / "README.md").read_text()
    example = readme.split("## Plan files", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    jsonschema.validate(yaml.safe_load(example), plan_json_schema())


def test_markdown_renders_steps_why_and_checks(plans: Path) -> None:
    run = migrate("plan", write_plan(plans, GOOD), "--format", "markdown")
    assert run.exit_code == 0, run.stderr
    md = run.stdout
    assert md.startswith("# Migration plan: demo")
    assert "### 1. test-put" in md and "the one file" in md
    assert "| [new file](#check-1) | `test-file` |" in md and "test-file: app/new.py" in md
    assert "codemod: test-rename-name" in md and "old: helper" in md


def test_plan_without_target_lists_steps_and_checks(plans: Path) -> None:
    run = migrate("plan", write_plan(plans, GOOD), "--json")
    assert run.exit_code == 0, run.stderr
    data = json.loads(run.stdout)
    assert [s["kind"] for s in data["steps"]] == ["test-put", "test-remove", "codemod"]
    assert data["target"] is None


def test_plan_json_shows_a_codemods_parameters_as_the_plan_writes_them(plans: Path) -> None:
    """`plan --json` showed every codemod step as `{"codemod": NAME, "config": {}}`: the
    parameters were lost (the `config` field is typed as the base Config)."""
    plan = write_plan(plans, """
        name: p
        steps:
          - codemod: rename
            symbol: app.util.helper
            to: assist
            files: [app/*.py]
          - codemod: rebase
            class: app.main.Thing
            bases: [app.util.Base]
    """)
    run = migrate("plan", plan, "--json")
    assert run.exit_code == 0, run.stderr
    settings = [s["settings"] for s in json.loads(run.stdout)["steps"]]
    assert settings == [
        {"codemod": "rename", "symbol": "app.util.helper", "to": "assist", "files": ["app/*.py"]},
        {"codemod": "rebase", "class": "app.main.Thing", "bases": ["app.util.Base"]},
    ]


def test_plan_trust_lists_the_template_tasks_a_copier_step_would_run(plans: Path) -> None:
    """`migrate plan P --trust` listed a copier step as running nothing (text and --json):
    the listing ignored --trust, which lets the template's tasks run."""
    plan = write_plan(plans, "name: p\nsteps:\n  - copier: {src: ../template}\n")
    plain = json.loads(migrate("plan", plan, "--json").stdout)
    trusted = json.loads(migrate("plan", plan, "--json", "--trust").stdout)
    assert plain["steps"][0]["runs"] == []
    assert trusted["steps"][0]["runs"] == [
        "template tasks, migrations and Jinja extensions of ../template (--trust)"]
    assert "1. copier ../template runs: template tasks" in migrate("plan", plan, "--trust").stdout


@pytest.mark.parametrize("text", [
    "name: ''\nsteps:\n  - delete: [a]\n",
    "name: p\nsteps:\n  - delete: [a]\nverify:\n  - {name: '', references: [app.x]}\n",
], ids=["plan-name", "check-name"])
def test_an_empty_plan_or_check_name_is_refused_by_the_loader_and_the_schema(
        plans: Path, text: str) -> None:
    """`name: ''` loaded; `apply --commit` then failed on the branch `migrate/` and an
    empty check name could not be given to --only."""
    import jsonschema
    import yaml

    with pytest.raises(PlanError, match="name: string should have at least 1 character"):
        load_plan(write_plan(plans, text))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yaml.safe_load(text), plan_json_schema())
