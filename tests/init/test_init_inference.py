"""`migrate init` on small synthetic apps against the "mini" template (see conftest.py).

Each test changes the base app in one respect and pins what the inference makes of it:
flags, module matches and their thresholds, symbol moves, rebases and renames, deletes
with their evidence, the copier lists, checks, and a target inside a monorepo.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from init_apps import BASE_APP, HEALTH, LIFECYCLE

from migrator.errors import UsageError
from migrator.init.draft import Inference, infer
from migrator.init.match import MOVE_THRESHOLD, QUESTION_THRESHOLD, SymbolCandidate
from migrator.init.model import plain
from migrator.init.plan_builder import candidate_entry

MakeApp = Callable[..., Path]


def run(template: Path, app: Path, *data: str) -> Inference:
    return infer(str(template), app, list(data))


def active_moves(inference: Inference) -> dict[str, str]:
    step = next(s.entry.value for s in inference.plan.steps if s.entry.value.get("codemod") == "move")
    return plain(step)["moves"]


def commented_moves(inference: Inference) -> dict[str, str]:
    step = next(s.entry.value for s in inference.plan.steps if s.entry.value.get("codemod") == "move")
    return {k: v.value for k, v in step["moves"].items() if not v.active}


def deleted(inference: Inference) -> dict[str, str]:
    return {d.path: d.confidence for d in inference.deletions}


def test_flag_off_when_nothing_the_flag_renders_matches(mini_template: Path, make_app: MakeApp) -> None:
    inference = run(mini_template, make_app())

    cache = inference.answers["use_cache"]
    assert cache.value is False and cache.confidence == "high"
    assert "lib/cache/store.py" in cache.evidence and "redis" in cache.evidence
    assert not any(m.startswith("lib.cache") for m in active_moves(inference).values())


def test_flag_on_when_an_app_module_matches_what_it_renders(mini_template: Path, make_app: MakeApp) -> None:
    store = '''\
class CacheStore:
    def get(self, key: str) -> str | None:
        return None

    def set(self, key: str, value: str) -> None:
        return None

    def delete(self, key: str) -> None:
        return None
'''
    inference = run(mini_template, make_app({"app/cache.py": store}))

    assert inference.answers["use_cache"].value is True
    assert inference.answers["use_cache"].confidence == "high"
    assert "app.cache matches lib.cache.store" in inference.answers["use_cache"].evidence
    assert active_moves(inference)["app.cache"] == "lib.cache.store"


def test_flag_on_with_medium_confidence_from_a_declared_dependency(mini_template: Path, make_app: MakeApp) -> None:
    pyproject = BASE_APP["pyproject.toml"].replace('"dependency-injector>=4"', '"dependency-injector>=4", "pika>=1"')
    inference = run(mini_template, make_app({"pyproject.toml": pyproject}))

    queue = inference.answers["use_queue"]
    assert (queue.value, queue.confidence) == (True, "medium")
    assert "pika" in queue.evidence


def test_data_overrides_an_inferred_answer(mini_template: Path, make_app: MakeApp) -> None:
    inference = run(mini_template, make_app(), "use_queue=true", "project_name=shop")

    assert inference.answers["use_queue"].value is True
    assert inference.answers["use_queue"].confidence == "given"
    copier = plain(inference.plan.steps[0].entry.value)["copier"]
    assert copier["data"]["project_name"] == "shop"
    assert copier["data"]["use_queue"] is True


@pytest.mark.parametrize("item, problem", [
    ("use_cache", "is not KEY=VALUE"),
    ("colour=red", "asks no such question"),
    ("use_cache=maybe", "expected true or false"),
])
def test_bad_data_is_a_usage_error(mini_template: Path, make_app: MakeApp, item: str, problem: str) -> None:
    with pytest.raises(UsageError, match=problem):
        run(mini_template, make_app(), item)


def test_project_name_drops_the_folder_suffix_and_description_comes_from_pyproject(
        mini_template: Path, make_app: MakeApp) -> None:
    inference = run(mini_template, make_app())

    assert inference.answers["project_name"].value == "orders"
    assert "-backend" in inference.answers["project_name"].evidence
    assert inference.answers["project_description"].value == "Orders for the shop"


def test_module_covering_the_whole_api_moves_with_high_confidence(mini_template: Path, make_app: MakeApp) -> None:
    inference = run(mini_template, make_app())

    match = inference.matching.modules["app.web.health"]
    assert (match.template_module, match.score, match.confidence) == ("lib.web.health", 1.0, "high")
    assert active_moves(inference)["app.web.health"] == "lib.web.health"
    # the scaffolding imports health_bp from both sides: supporting evidence
    assert any("imports health_bp" in s for s in match.support)


def test_module_with_half_its_api_matching_is_a_question_not_a_move(mini_template: Path, make_app: MakeApp) -> None:
    text = '''\
def slugify(text: str) -> str:
    return "-".join(text.lower().split())


def truncate(text: str, length: int) -> str:
    return text[:length]


def order_number(year: int, serial: int) -> str:
    return f"{year}-{serial:05d}"


def parse_sku(sku: str) -> tuple[str, int]:
    prefix, _, number = sku.partition("-")
    return prefix, int(number)
'''
    inference = run(mini_template, make_app({"app/text.py": text}))

    match = inference.matching.modules["app.text"]
    assert match.template_module == "lib.text.words"
    assert match.score == 0.5 and QUESTION_THRESHOLD <= match.score < MOVE_THRESHOLD
    assert match.decision == "question"
    assert "app.text" not in active_moves(inference)
    assert commented_moves(inference)["app.text"] == "lib.text.words"
    assert "app/text.py" not in deleted(inference)
    assert "not there: order_number, parse_sku" in match.evidence()


def test_two_app_modules_matching_one_template_module_both_move(mini_template: Path, make_app: MakeApp) -> None:
    inference = run(mini_template, make_app({"app/services/__init__.py": "",
                                             "app/services/lifecycle.py": LIFECYCLE}))

    moves = active_moves(inference)
    assert moves["app.lifecycle"] == moves["app.services.lifecycle"] == "lib.core.lifecycle"
    assert {"app/lifecycle.py", "app/services/lifecycle.py"} <= set(deleted(inference))
    assert set(inference.checks[0].value["references"]) >= {"app.lifecycle", "app.services.lifecycle"}


def test_a_class_under_another_name_is_a_commented_low_confidence_symbol_move(
        mini_template: Path, make_app: MakeApp) -> None:
    hooks = LIFECYCLE.replace("class Lifecycle:", "class StopHooks:")
    inference = run(mini_template, make_app({"app/hooks.py": hooks}))

    assert "app.hooks" not in active_moves(inference)
    assert commented_moves(inference)["app.hooks.StopHooks"] == "lib.core.lifecycle.Lifecycle"
    candidate = next(c for c in inference.matching.symbols if c.app_symbol == "app.hooks.StopHooks")
    assert "shares 4 of 4 public members" in candidate.evidence


def test_scaffolding_parallel_moves_a_function_under_its_new_name(mini_template: Path, make_app: MakeApp) -> None:
    inference = run(mini_template, make_app())

    assert active_moves(inference)["app.errors.register_errors"] == "lib.core.errors.configure_errors"
    assert "app.errors" not in active_moves(inference)  # its only function moves by name
    move = next(m for m in inference.symbol_moves if m.old == "app.errors.register_errors")
    assert "create_app() calls lib.core.errors.configure_errors(app)" in move.evidence
    # configure_docs(app) has the same arguments as configure_errors(app) and shares a word
    # with it, but the template calls a configure_docs of its own there: that is its match
    assert not any(m.old == "app.docs.configure_docs" for m in inference.symbol_moves)
    assert deleted(inference)["app/errors.py"] == "high"


def test_settings_and_container_are_rebased_and_renamed_to_the_scaffolding_names(
        mini_template: Path, make_app: MakeApp) -> None:
    inference = run(mini_template, make_app())

    rebases = {r.app_class: r for r in inference.rebases}
    settings = rebases["app.settings.Settings"]
    assert (settings.base, settings.rename_to, settings.confidence) == (
        "lib.core.settings.BaseConfig", "Config", "high")
    container = rebases["app.container.Container"]
    assert (container.base, container.rename_to) == ("lib.core.container.CoreContainer", "AppContainer")
    steps = [plain(s.entry.value) for s in inference.plan.steps]
    renames = [(s["symbol"], s["to"]) for s in steps if s.get("codemod") == "rename"]
    assert ("app.container.Container", "AppContainer") in renames
    rebase = next(s for s in steps if s.get("class") == "app.settings.Config")
    assert rebase["bases"] == ["lib.core.settings.BaseConfig"] and rebase["drop_inherited"] is True
    env_check = [c for c in inference.checks if "env-example" in c.value]
    assert env_check == []  # the template renders no .env.example


def test_a_rename_that_would_collide_is_a_question(mini_template: Path, make_app: MakeApp) -> None:
    settings = BASE_APP["app/settings.py"] + "\n\nConfig = dict\n"
    inference = run(mini_template, make_app({"app/settings.py": settings}))

    rebase = next(r for r in inference.rebases if r.app_class == "app.settings.Settings")
    assert rebase.rename_to is None and "already defines a Config" in (rebase.rename_question or "")
    rename = next(s.entry for s in inference.plan.steps
                  if s.entry.value.get("codemod") == "rename" and s.entry.value["to"] == "Config")
    assert not rename.active


def test_a_container_elsewhere_answers_the_question_naming_its_module(mini_template: Path, make_app: MakeApp) -> None:
    container = BASE_APP["app/container.py"]
    inference = run(mini_template, make_app({"app/services/__init__.py": "",
                                             "app/services/container.py": container},
                                            remove=("app/container.py",)))

    answer = inference.answers["container_module"]
    assert (answer.value, answer.confidence) == ("app.services.container", "high")
    assert "keeps Container in app/services/container.py" in answer.evidence
    rebase = next(r for r in inference.rebases if r.base == "lib.core.container.CoreContainer")
    assert rebase.app_class == "app.services.container.Container"
    assert rebase.rename_to == "AppContainer" and rebase.location_note is None
    skip = {d.path for d in inference.files if d.action == "skip"}
    assert "app/services/container.py" in skip  # where the template now renders its scaffolding
    assert not any("container" in item and "leave it out" in item for item in inference.checklist)


def test_tests_of_moved_modules_go_with_their_evidence_others_stay(mini_template: Path, make_app: MakeApp) -> None:
    inference = run(mini_template, make_app({"tests/test_lifecycle.py": '''\
from unittest import mock

from app.lifecycle import Lifecycle


def test_stop():
    with mock.patch("app.lifecycle.Lifecycle.is_stopping", return_value=True):
        assert Lifecycle(1).is_stopping()
'''}))

    deletions = {d.path: d for d in inference.deletions}
    assert deletions["tests/test_lifecycle.py"].confidence == "high"
    assert "patches app.lifecycle.Lifecycle.is_stopping" in deletions["tests/test_lifecycle.py"].evidence
    assert "requests GET /health/live" in deletions["tests/test_health.py"].evidence
    # test_orders imports a moved module, but also the app's own OrderService
    assert "tests/test_orders.py" not in deletions


def test_a_test_named_for_a_moved_module_that_tests_more_goes_with_medium_confidence(
        mini_template: Path, make_app: MakeApp) -> None:
    inference = run(mini_template, make_app({"tests/test_health_api.py": '''\
from app.orders import OrderService


def test_ready_and_total(client):
    assert client.get("/health/ready").status_code == 200
    assert OrderService().total([]) == 0
'''}))

    deletion = next(d for d in inference.deletions if d.path == "tests/test_health_api.py")
    assert deletion.confidence == "medium"
    assert "named for app.web.health" in deletion.evidence and "app.orders" in deletion.evidence


def test_copier_lists_scaffolding_merges_and_questions(mini_template: Path, make_app: MakeApp) -> None:
    inference = run(mini_template, make_app({"lib/text/words.py": "# the app's own copy\n"}))

    actions = {d.path: (d.action, d.merge) for d in inference.files}
    assert actions["app/__init__.py"] == ("skip", None)
    assert actions["app/settings.py"] == ("skip", None)
    assert actions["pyproject.toml"] == ("merge", "toml")
    assert actions[".gitignore"] == ("merge", "lines")
    assert actions["lib/text/words.py"] == ("question", None)
    skip = inference.plan.steps[0].entry.value["copier"]["skip"]
    question = next(e for e in skip if e.value == "lib/text/words.py")
    assert not question.active and "keep the app's" in (question.question or "")


def test_checks_follow_what_the_app_has(mini_template: Path, make_app: MakeApp) -> None:
    app = make_app()
    inference = run(mini_template, app)

    checks = {c.value["name"]: c.value for c in inference.checks}
    assert checks["no reference to a deleted module"]["references"] == ["app.errors", "app.lifecycle",
                                                                        "app.web.health"]
    src = checks[".copier-answers.yml values"]["answers"]["values"]["_src_path"]
    assert src == os.path.relpath(mini_template, app) == inference.src  # relative to the target
    assert checks["all tests pass"]["command"]["argv"][:3] == ["python", "-m", "pytest"]
    assert checks["ruff check"]["command"] == ["python", "-m", "ruff", "check", "."]
    assert "mypy" not in checks  # not configured
    assert checks["pyproject.toml has the template's dependencies"]["dependencies"]["require"] == [
        "flask", "pydantic-settings"]
    assert not any("alembic" in name for name in checks)  # no alembic.ini


def test_http_probes_come_from_the_template_route_decorators(mini_template: Path, make_app: MakeApp) -> None:
    inference = run(mini_template, make_app({"run.py": "from app import create_app\n"}))

    http = next(c.value["http"] for c in inference.checks if "http" in c.value)
    assert http["start"] == ["python", "run.py"]
    assert [p["path"] for p in http["probes"]] == ["/health/live", "/health/ready"]
    assert http["ready_path"] == "/health/live"


def test_a_target_in_a_monorepo_subfolder(mini_template: Path, tmp_path: Path,
                                           make_repo: Callable[..., Path]) -> None:
    files = {f"backend/{k}": v for k, v in BASE_APP.items()}
    files["frontend/index.js"] = "console.log('hi')\n"
    repo = make_repo(tmp_path / "shop", files)

    inference = run(mini_template, repo / "backend")

    assert active_moves(inference)["app.web.health"] == "lib.web.health"
    assert (repo / "backend" / inference.src).resolve() == mini_template.resolve()
    assert "tests/test_health.py" in deleted(inference)
    assert not any("frontend" in d for d in deleted(inference))


def test_no_python_modules_is_a_usage_error(mini_template: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no Python modules"):
        run(mini_template, tmp_path / "empty")


def test_not_a_template_is_a_usage_error(make_app: MakeApp, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a Copier template"):
        run(tmp_path, make_app())


def test_health_module_with_another_route_method_is_still_matched(mini_template: Path, make_app: MakeApp) -> None:
    health = HEALTH.replace('@health_bp.route("/ready")', '@health_bp.route("/ready", methods=["POST"])')
    inference = run(mini_template, make_app({"app/web/health.py": health}))

    match = inference.matching.modules["app.web.health"]
    assert match.score == pytest.approx(2.5 / 3, abs=0.01)
    assert match.decision == "move" and match.confidence == "medium"
    assert any("route differs: POST /health/ready here, GET /health/ready there" in item
               for item in inference.checklist)


def test_a_class_with_a_differing_member_keeps_it_and_says_so(mini_template: Path, make_app: MakeApp) -> None:
    settings = BASE_APP["app/settings.py"].replace('LOG_LEVEL: str = "INFO"', 'LOG_LEVEL: str = "DEBUG"')
    inference = run(mini_template, make_app({"app/settings.py": settings}))

    rebase = next(r for r in inference.rebases if r.app_class == "app.settings.Settings")
    assert rebase.kept == ["LOG_LEVEL"]
    assert set(rebase.dropped) == {"SECRET_KEY", "DEBUG"}
    step = next(s.entry for s in inference.plan.steps if s.entry.value.get("class") == "app.settings.Config")
    assert "dropped as equivalent: SECRET_KEY, DEBUG" in step.evidence
    assert "kept because they differ: LOG_LEVEL" in step.evidence
    item = next(i for i in inference.checklist if i.startswith("app.settings.Config keeps LOG_LEVEL"))
    assert "LOG_LEVEL: `str = 'DEBUG'` here, `str = 'INFO'` in BaseConfig" in item


def test_members_compare_after_the_plans_moves(mini_template: Path, make_app: MakeApp) -> None:
    """The container's lifecycle provider names app.lifecycle.Lifecycle today; the plan moves
    that module to the template's, so by the time the rebase runs it is the base's provider."""
    inference = run(mini_template, make_app())

    rebase = next(r for r in inference.rebases if r.base == "lib.core.container.CoreContainer")
    assert set(rebase.dropped) == {"config", "lifecycle"}
    assert rebase.kept == [] and rebase.kept_reading == []


def test_a_class_the_template_defines_whole_is_a_question_not_a_rebase(mini_template: Path,
                                                                        make_app: MakeApp) -> None:
    runtime = LIFECYCLE + "".join(f"\n\ndef {name}() -> int:\n    return 0\n"
                                  for name in ("uptime", "load", "memory", "threads"))
    inference = run(mini_template, make_app({"app/runtime.py": runtime}))

    assert inference.matching.modules["app.runtime"].decision == "question"
    assert not any(r.app_class == "app.runtime.Lifecycle" for r in inference.rebases)
    entry = next(s.entry for s in inference.plan.steps if s.entry.value.get("codemod") == "move")
    question = entry.value["moves"]["app.runtime.Lifecycle"]
    assert question.value == "lib.core.lifecycle.Lifecycle" and not question.active
    assert "use that one (and delete the app's)?" in (question.question or "")


def test_the_other_candidates_are_named_in_the_question() -> None:
    candidates = [SymbolCandidate("app.hooks.StopHooks", "lib.core.lifecycle.Lifecycle", 0.8, "shares 4"),
                  SymbolCandidate("app.hooks.StopHooks", "lib.core.jobs.Jobs", 0.5, "shares 3")]

    entry = candidate_entry(candidates)

    assert (entry.value, entry.confidence, entry.active) == ("lib.core.lifecycle.Lifecycle", "low", False)
    assert entry.question == ("StopHooks has no counterpart under its own name; is it Lifecycle? "
                              "Other candidates: lib.core.jobs.Jobs (0.50: shares 3)")


def test_a_class_the_template_offers_under_an_alias_matches_it(mini_template: Path, make_app: MakeApp) -> None:
    stopper = LIFECYCLE.replace("class Lifecycle:", "class Stopper:")
    inference = run(mini_template, make_app({"app/stopper.py": stopper}))

    match = inference.matching.modules["app.stopper"]
    assert (match.template_module, match.score, match.decision) == ("lib.core.shutdown", 1.0, "move")
    assert "Stopper with 5 of its 5 public members" in match.evidence()


def test_a_src_layout_names_modules_as_they_are_imported(mini_template: Path, make_app: MakeApp) -> None:
    """`src/app/web/health.py` (no `src/__init__.py`) is the module `app.web.health`."""
    code = {k: v for k, v in BASE_APP.items() if k.startswith("app/")}
    inference = run(mini_template, make_app({f"src/{k}": v for k, v in code.items()},
                                            remove=tuple(code)))

    assert not any(m.startswith("src.") for m in inference.matching.modules)
    assert active_moves(inference)["app.web.health"] == "lib.web.health"


def test_an_inferred_answer_the_template_validator_refuses_keeps_the_default(
        mini_template: Path, make_app: MakeApp, tmp_path: Path) -> None:
    """The app keeps its container outside `app/` (core/container.py); the template only
    accepts a module inside the app package. init used to answer `core.container` and
    then fail to render the template with its own answer."""
    template = tmp_path / "strict"
    shutil.copytree(mini_template, template)
    config = template / "copier.yml"
    config.write_text(config.read_text().replace(
        "  default: app.container\n",
        "  default: app.container\n  validator: >-\n"
        "    {% if not (container_module | regex_search('^app(\\\\.[a-z_]+)+$')) %}\n"
        "    Use a module inside the app package.\n    {% endif %}\n"))
    container = BASE_APP["app/container.py"]
    inference = run(template, make_app({"core/__init__.py": "", "core/container.py": container},
                                       remove=("app/container.py",)))

    answer = inference.answers["container_module"]
    assert (answer.value, answer.confidence) == ("app.container", "default")
    assert "suggests 'core.container'" in answer.evidence
    assert "refuses it (Use a module inside the app package.)" in answer.evidence


def _format_steps(inference: Inference) -> list:
    return [s.entry for s in inference.plan.steps
            if "ruff" in str(s.entry.value.get("command", ""))]


def test_no_import_sorting_step_and_formatting_only_with_the_templates_settings(
        mini_template: Path, make_app: MakeApp, tmp_path: Path) -> None:
    """The codemods place the imports they write, so no `ruff check --fix .` over the whole
    app; `ruff format .` formats every file, the template's too, so it is a question when
    the app formats with other settings than the template's files were formatted with."""
    app = make_app()
    differs = run(mini_template, app)  # the app: line-length 100; the template: 88
    [step] = _format_steps(differs)
    assert step.value["command"] == ["python", "-m", "ruff", "format", "--quiet", "."]
    assert not step.active
    assert "line-length: 100 in the app, 88 in the template" in (step.question or "")

    template = tmp_path / "formatted"
    shutil.copytree(mini_template, template)
    pyproject = template / "template/pyproject.toml.jinja"
    pyproject.write_text(pyproject.read_text() + "\n[tool.ruff]\nline-length = 100\n")
    [step] = _format_steps(run(template, app))
    assert step.active and step.confidence == "medium"
