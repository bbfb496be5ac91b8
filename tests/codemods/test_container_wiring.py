"""`rebase` and `set_members` keep a dependency-injector container's wiring (issue 10, item 2).

The base is the template's own `CommonContainer`, rendered from `container.py.jinja`: it
rebuilds, on a subclass, the providers that depend on one the subclass re-declares. After
the codemods ran, the app's container is built in a fresh interpreter, which checks that
every provider depending on `connection_manager` got the one singleton the container has
(on the real app, a second one never saw a connection). The verdicts and notes the step
reports, and the plans the codemods refuse, are checked here as well.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import jinja2
import pytest

from migrator.codemods.class_members import ClassSource, class_chain
from migrator.codemods.member_equivalence import Verdict, compare_members
from migrator.codemods.rebase import Rebase, RebaseConfig
from migrator.codemods.runner import run_codemods
from migrator.codemods.set_members import SetMembers, SetMembersConfig
from migrator.errors import StepFailed
from migrator.steps.base import StepContext
from migrator.steps.codemod import CodemodStep

TEMPLATE_CONTAINER = (
    Path(__file__).resolve().parents[2] / "template/template/common/core/container.py.jinja"
)
STUB = "class {name}:\n    def __init__(self, **kwargs):\n        self.__dict__.update(kwargs)\n"


def _tree() -> dict[str, str]:
    container = jinja2.Template(TEMPLATE_CONTAINER.read_text()).render(
        use_database=False, use_oidc=False, use_s3=True, use_sse=True
    )
    files = {
        "common/core/container.py": container,
        "common/core/settings.py": (
            "class CommonSettings:\n    GRACEFUL_SHUTDOWN_TIMEOUT = 5\n    TASK_MAX_WORKERS = 2\n"
            "    TASK_TIMEOUT_SECONDS = 9\n    TASK_CLEANUP_INTERVAL_SECONDS = 9\n"
            "    SSE_GATEWAY_URL = 'http://127.0.0.1:9'\n\n\n"
            "def adapt_settings(settings, aliases=None):\n    return settings\n"
        ),
        "common/core/lifecycle.py": STUB.format(name="LifecycleCoordinator"),
        "common/metrics/service.py": STUB.format(name="MetricsService"),
        "common/sse/connection_manager.py": STUB.format(name="ConnectionManager"),
        "common/storage/s3_service.py": STUB.format(name="S3Service"),
        "common/tasks/service.py": STUB.format(name="TaskService"),
        "app/services/metrics_service.py": STUB.format(name="MetricsService"),
        "app/services/version_service.py": STUB.format(name="VersionService"),
    }
    for package in (
        "common",
        "common/core",
        "common/metrics",
        "common/sse",
        "common/storage",
        "common/tasks",
        "app",
        "app/services",
    ):
        files[f"{package}/__init__.py"] = ""
    return files


APP_CONTAINER = '''\
"""The app's container, after `move` pointed its imports at common/."""

from dependency_injector import containers, providers

from app.services.metrics_service import MetricsService
from app.services.version_service import VersionService
from common.core.lifecycle import LifecycleCoordinator
from common.core.settings import adapt_settings
from common.sse.connection_manager import ConnectionManager
from common.tasks.service import TaskService


class AppContainer(containers.DeclarativeContainer):
    __self__ = providers.Self()

    config = providers.Dependency()
    common_settings = providers.Callable(adapt_settings, config)
    shutdown_coordinator = providers.Singleton(
        LifecycleCoordinator,
        graceful_shutdown_timeout=common_settings.provided.GRACEFUL_SHUTDOWN_TIMEOUT,
    )
    metrics_service = providers.Singleton(
        {metrics_service}
    )
    connection_manager = providers.Singleton(
        ConnectionManager,
        gateway_url=common_settings.provided.SSE_GATEWAY_URL,
        metrics_service=metrics_service,
        http_timeout=2.0,
    )
    task_service = providers.Singleton(
        TaskService,
        shutdown_coordinator=shutdown_coordinator,
        connection_manager=connection_manager,
        max_workers=common_settings.provided.TASK_MAX_WORKERS,
        task_timeout=common_settings.provided.TASK_TIMEOUT_SECONDS,
        cleanup_interval=common_settings.provided.TASK_CLEANUP_INTERVAL_SECONDS,
    )
    version_service = providers.Singleton(
        VersionService,
        connection_manager=connection_manager,
        settings=config,
    )
'''
APP_METRICS = "MetricsService, container=__self__, shutdown_coordinator=shutdown_coordinator"
"""The app's own metrics service: not the base's, so the app re-declares it."""
COMMON_METRICS = "MetricsService, settings=common_settings, shutdown_coordinator=shutdown_coordinator"
"""Written as the base writes it (with the base's MetricsService imported: equivalent)."""

ONE_CONNECTION_MANAGER = """
from app.container import AppContainer
from common.core.settings import CommonSettings

container = AppContainer()
container.config.override(CommonSettings())
manager = container.connection_manager()
assert container.version_service().connection_manager is manager, "version_service"
assert container.task_service().connection_manager is manager, "task_service"
print("one connection manager")
"""


def _app(make_repo, tmp_path: Path, metrics: str, extra_import: str = "") -> Path:
    source = APP_CONTAINER.replace("{metrics_service}", metrics)
    if extra_import:
        source = source.replace(
            "from app.services.metrics_service import MetricsService\n", extra_import
        )
    return make_repo(tmp_path / "app", {**_tree(), "app/container.py": source})


def _rebase(root: Path, **params: object) -> Rebase:
    config = RebaseConfig.model_validate(
        {
            "class": "app.container.AppContainer",
            "bases": ["common.core.container.CommonContainer"],
            "drop_inherited": True,
            **params,
        }
    )
    return Rebase(config, root)


def _set_members(root: Path, code: str, imports: tuple[str, ...] = ()) -> SetMembers:
    config = SetMembersConfig.model_validate(
        {
            "class": "app.container.AppContainer",
            "members": [{"code": textwrap.dedent(code), "imports": list(imports)}],
        }
    )
    return SetMembers(config, root)


def _one_connection_manager(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", ONE_CONNECTION_MANAGER],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def test_rebase_keeps_the_providers_built_from_a_redeclared_one(make_repo, tmp_path):
    """The customer's case: the app re-declares metrics_service; every provider that reads
    connection_manager must get the container's one connection manager."""
    root = _app(make_repo, tmp_path, APP_METRICS)
    run_codemods(root, [_rebase(root)], jobs=1)
    source = (root / "app/container.py").read_text()
    assert "CommonContainer.connection_manager" not in source
    result = _one_connection_manager(root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "one connection manager"


def test_set_members_after_rebase_repoints_the_class_at_the_member_it_adds(make_repo, tmp_path):
    """The other order: rebase dropped connection_manager (equivalent), then the plan
    re-declares it; version_service must follow it to the class's own."""
    root = _app(
        make_repo,
        tmp_path,
        COMMON_METRICS,
        extra_import="from common.metrics.service import MetricsService\n",
    )
    run_codemods(root, [_rebase(root)], jobs=1)
    assert (
        "connection_manager=CommonContainer.connection_manager"
        in (root / "app/container.py").read_text()
    )
    add = _set_members(
        root,
        """\
        connection_manager = providers.Singleton(
            ConnectionManager,
            gateway_url=CommonContainer.common_settings.provided.SSE_GATEWAY_URL,
            metrics_service=CommonContainer.metrics_service,
            http_timeout=5.0,
        )
        """,
        imports=("from common.sse.connection_manager import ConnectionManager",),
    )
    run_codemods(root, [add], jobs=1)
    assert "CommonContainer.connection_manager" not in (root / "app/container.py").read_text()
    result = _one_connection_manager(root)
    assert result.returncode == 0, result.stderr


def test_set_members_refuses_a_base_provider_built_from_a_member_it_redeclares(make_repo, tmp_path):
    root = _app(
        make_repo,
        tmp_path,
        COMMON_METRICS,
        extra_import="from common.metrics.service import MetricsService\n",
    )
    run_codemods(root, [_rebase(root)], jobs=1)
    before = (root / "app/container.py").read_bytes()
    redeclare = _set_members(
        root, "metrics_service = providers.Singleton(MetricsService, container=__self__)"
    )
    with pytest.raises(StepFailed) as refused:
        run_codemods(root, [redeclare], jobs=1)
    assert (
        "AppContainer reads connection_manager through its base, which builds it from "
        "metrics_service, re-declared by this step" in refused.value.message
    )
    assert "add connection_manager to the members" in refused.value.message
    assert (root / "app/container.py").read_bytes() == before


def test_rebase_refuses_to_drop_a_member_the_class_reads_when_the_base_rebuilds_it(
    make_repo, tmp_path
):
    root = _app(make_repo, tmp_path, APP_METRICS)
    before = (root / "app/container.py").read_bytes()
    with pytest.raises(StepFailed) as refused:
        run_codemods(root, [_rebase(root, drop=["connection_manager"])], jobs=1)
    assert "AppContainer reads connection_manager, which drop: removes" in refused.value.message
    assert "built from metrics_service, which AppContainer re-declares" in refused.value.message
    assert (root / "app/container.py").read_bytes() == before


def test_verdicts_without_running_the_codemod(make_repo, tmp_path):
    root = _app(make_repo, tmp_path, APP_METRICS)
    own = ClassSource("app.container", "AppContainer", (root / "app/container.py").read_text())
    bases = class_chain(root, "common.core.container", "CommonContainer")
    verdicts = {v.name: v for v in compare_members(own, bases, keep=["task_service"])}
    assert {n: v.verdict for n, v in verdicts.items()} == {
        "config": Verdict.DROPPED_EQUIVALENT,
        "common_settings": Verdict.DROPPED_EQUIVALENT,
        "shutdown_coordinator": Verdict.DROPPED_EQUIVALENT,
        "metrics_service": Verdict.KEPT_DIFFERS,
        "connection_manager": Verdict.KEPT_DIFFERS,
        "task_service": Verdict.KEPT_FORCED,
    }
    manager = verdicts["connection_manager"]
    assert manager.reason == "reads metrics_service, which AppContainer re-declares"
    assert manager.value == manager.base_value  # the same code, not the same provider
    metrics = verdicts["metrics_service"]
    assert metrics.value == (
        "providers.Singleton(MetricsService, container=__self__, "
        "shutdown_coordinator=shutdown_coordinator)"
    )
    assert metrics.base_value == (
        "providers.Singleton(MetricsService, settings=common_settings, "
        "shutdown_coordinator=shutdown_coordinator)"
    )
    assert metrics.owner == "common.core.container.CommonContainer"


def test_step_report_lists_each_members_verdict(make_repo, tmp_path):
    root = _app(make_repo, tmp_path, APP_METRICS)
    step = CodemodStep.model_validate(
        {
            "codemod": "rebase",
            "class": "app.container.AppContainer",
            "bases": ["common.core.container.CommonContainer"],
            "drop_inherited": True,
            "keep": ["task_service"],
        }
    )
    outcome = step.preview(StepContext(root=root, plan_dir=tmp_path, target=root))
    manager = (
        "providers.Singleton(ConnectionManager, "
        "gateway_url=common_settings.provided.SSE_GATEWAY_URL, "
        "metrics_service=metrics_service, http_timeout=2.0)"
    )
    assert outcome.notes == [
        "AppContainer.config: dropped (equivalent to CommonContainer's)",
        "AppContainer.common_settings: dropped (equivalent to CommonContainer's)",
        "AppContainer.shutdown_coordinator: dropped (equivalent to CommonContainer's)",
        (
            "AppContainer.metrics_service: kept (differs): `providers.Singleton(MetricsService, "
            "container=__self__, shutdown_coordinator=shutdown_coordinator)` here, "
            "`providers.Singleton(MetricsService, settings=common_settings, shutdown_coordinator="
            "shutdown_coordinator)` in CommonContainer"
        ),
        (
            "AppContainer.connection_manager: kept (reads metrics_service, which AppContainer "
            f"re-declares): `{manager}` here, `{manager}` in CommonContainer"
        ),
        "AppContainer.task_service: kept (keep:; equivalent to CommonContainer's)",
    ]
