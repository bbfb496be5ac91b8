"""The container check builds the app's container and proves its wiring (issue 10, item 2).

The small apps below are the customer's failure in miniature: the app's container
re-declares `connection_manager`, and a provider it inherits keeps the base's one, so two
ConnectionManager singletons exist and a service registers on the one that never gets
connections.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from migrator.verify.container import ContainerCheck

BASE = '''
from dependency_injector import containers, providers


class ConnectionManager:
    def __init__(self, url="http://gateway"):
        self.url = url


class TaskService:
    def __init__(self, connection_manager):
        self.connection_manager = connection_manager


class CommonContainer(containers.DeclarativeContainer):
    config = providers.Dependency()
    connection_manager = providers.Singleton(ConnectionManager)
    task_service = providers.Singleton(TaskService, connection_manager=connection_manager)
'''

MISWIRED = '''
from dependency_injector import containers, providers

from common.container import CommonContainer, ConnectionManager


class AppContainer(CommonContainer):
    connection_manager = providers.Singleton(ConnectionManager, url="http://app-gateway")
    helper = providers.Factory(dict, manager=connection_manager)
'''

CORRECT = '''
from dependency_injector import containers, providers

from common.container import CommonContainer, ConnectionManager, TaskService


class AppContainer(CommonContainer):
    connection_manager = providers.Singleton(ConnectionManager, url="http://app-gateway")
    task_service = providers.Singleton(TaskService, connection_manager=connection_manager)
    helper = providers.Factory(dict, manager=connection_manager, cache=providers.Singleton(dict))
'''

API = '''
from dependency_injector.wiring import Provide, Provider, inject

from app.container import AppContainer


@inject
def list_tasks(task_service=Provide[AppContainer.task_service]):
    return task_service


@inject
def manager(factory=Provider["connection_manager"], helper=Provide[AppContainer.helper]):
    return factory, helper
'''

SETTINGS = '''
import os


class Settings:
    def __init__(self):
        self.gateway = os.environ["GATEWAY_URL"]


class SplitSettings:
    """A model built by a factory from an environment class, as the IoT app's."""

    def __init__(self, gateway):
        self.gateway = gateway

    @classmethod
    def load(cls):
        return cls(os.environ["GATEWAY_URL"])
'''


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    return root


def app(root: Path, container: str, **more: str) -> Path:
    return write(root, {"common/__init__.py": "", "common/container.py": BASE,
                        "app/__init__.py": "", "app/container.py": container,
                        "app/api.py": API, "app/settings.py": SETTINGS, **more})


def check(**values: object) -> ContainerCheck:
    return ContainerCheck.model_validate({"name": "wiring", "class": "app.container.AppContainer",
                                          **values})


def test_a_correct_container_passes_with_evidence(tmp_path, ctx):
    result = check().run(ctx(app(tmp_path, CORRECT)))
    assert result.passed, (result.summary, result.evidence)
    assert result.summary == ("2 Singleton(s), each one instance shared by its dependents; "
                              "3 Provide[...] marker(s) in 1 module(s) resolve")
    assert "connection_manager -> task_service, helper" in result.evidence
    assert "1 unnamed inline Singleton(s)" in result.evidence
    assert result.commands[0][1].endswith("_container_probe.py")


def test_two_singletons_of_a_redeclared_provider_fail(tmp_path, ctx):
    result = check().run(ctx(app(tmp_path, MISWIRED)))
    assert not result.passed
    assert result.summary == "1 wiring problem(s) in app.container.AppContainer"
    assert result.evidence[0] == (
        "task_service receives CommonContainer.connection_manager, not the container's "
        "connection_manager: a second ConnectionManager instance (re-declared in AppContainer; "
        "build task_service from the re-declared provider)")


@pytest.mark.parametrize(("marker", "problem"), [
    ('Provide["conection_manager"]', 'Provide["conection_manager"]: resolves to no provider'),
    # the base's provider object, which the app's container re-declared: not in its map
    ("Provide[CommonContainer.connection_manager]",
     "Provide[CommonContainer.connection_manager]: resolves to no provider of AppContainer"),
])
def test_a_marker_that_resolves_to_nothing_fails(tmp_path, ctx, marker, problem):
    api = API + f'''

from common.container import CommonContainer


@inject
def broken(service={marker}):
    return service
'''
    result = check().run(ctx(app(tmp_path, CORRECT, **{"app/api.py": api})))
    assert not result.passed
    [found] = [line for line in result.evidence if "resolves to" in line]
    assert found.startswith("app/api.py:")
    assert problem in found


def test_settings_come_from_the_checks_environment(tmp_path, ctx):
    root = app(tmp_path, CORRECT)
    with_settings = {"settings": "app.settings.Settings"}
    missing = check(**with_settings).run(ctx(root))
    assert not missing.passed
    assert missing.summary == "cannot build app.container.AppContainer: KeyError: 'GATEWAY_URL'"
    assert any("GATEWAY_URL" in line for line in missing.evidence), "the traceback is evidence"
    given = check(**with_settings, env={"GATEWAY_URL": "http://127.0.0.1:9"}).run(ctx(root))
    assert given.passed, given.evidence
    other = check(**with_settings, settings_provider="settings",
                  env={"GATEWAY_URL": "x"}).run(ctx(root))
    assert other.summary == ("cannot build app.container.AppContainer: AppContainer has no "
                             "provider 'settings' to give the settings to")


def test_not_a_container_and_an_import_error_are_reported(tmp_path, ctx):
    root = app(tmp_path, CORRECT)
    result = check(**{"class": "app.settings.Settings"}).run(ctx(root))
    assert result.summary == ("cannot build app.settings.Settings: app.settings.Settings is not "
                              "a DeclarativeContainer subclass")
    broken = app(tmp_path / "broken", CORRECT + "\nimport not_installed_anywhere\n")
    result = check().run(ctx(broken))
    assert not result.passed
    assert result.summary == ("cannot build app.container.AppContainer: ModuleNotFoundError: "
                              "No module named 'not_installed_anywhere'")


def test_packages_limit_where_markers_are_looked_for(tmp_path, ctx):
    root = app(tmp_path, CORRECT, **{"tools/__init__.py": "",
                                     "tools/job.py": 'from dependency_injector.wiring import '
                                     'Provide\n\nX = Provide["nothing_here"]\n'})
    assert check().run(ctx(root)).passed, "tools/ is outside the default package app"
    result = check(packages=["app", "tools.job"]).run(ctx(root))
    assert not result.passed
    assert any(line.startswith("tools/job.py:3: Provide[\"nothing_here\"]")
               for line in result.evidence)


def test_settings_may_come_from_a_factory(tmp_path, ctx):
    root = app(tmp_path, CORRECT)
    factory = check(settings="app.settings:SplitSettings.load", env={"GATEWAY_URL": "x"})
    assert factory.run(ctx(root)).passed
    not_callable_without_arguments = check(settings="app.settings.SplitSettings").run(ctx(root))
    assert not not_callable_without_arguments.passed
    assert "TypeError" in not_callable_without_arguments.summary


@pytest.mark.parametrize("values", [{"class": "AppContainer"}, {"class": "app.x-y.C"},
                                    {"packages": ["app/api"]}, {"settings": "Settings"},
                                    {"settings": "app.settings:"},
                                    {"settings": "app.settings:Split:load"}])
def test_bad_settings_are_plan_errors(values):
    with pytest.raises(ValueError, match="is not a dotted"):
        check(**values)


def test_a_src_layout_app_is_imported_from_src_and_its_markers_found(tmp_path, ctx):
    """`src/app/` without `src/__init__.py`: the app is importable from src/, as its tests
    import it; the probe puts src/ on sys.path and looks for markers there."""
    app(tmp_path / "flat", CORRECT)
    root = tmp_path / "src_layout"
    (root / "src").mkdir(parents=True)
    shutil.copytree(tmp_path / "flat" / "app", root / "src" / "app")
    shutil.copytree(tmp_path / "flat" / "common", root / "common")
    result = check().run(ctx(root))
    assert result.passed, (result.summary, result.evidence)
    assert result.summary.endswith("3 Provide[...] marker(s) in 1 module(s) resolve")
