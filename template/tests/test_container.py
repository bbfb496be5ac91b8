"""CommonContainer of the rendered ``common/core/container``, and subclasses of it."""

from collections.abc import Callable
from typing import Any

import pytest
from dependency_injector import providers

from common.core.container import CommonContainer
from common.metrics.service import MetricsService
from common.sse.connection_manager import ConnectionManager
from common.storage.s3_service import S3Service
from common.tasks.service import TaskService


class SeedAppContainer(CommonContainer):
    """The seed's Phase 2.2 shape: common providers re-declared in the app's container."""

    s3_service = providers.Factory(S3Service, settings=CommonContainer.config.provided)
    connection_manager = providers.Singleton(
        ConnectionManager,
        gateway_url=CommonContainer.config.provided.SSE_GATEWAY_URL,
        metrics_service=CommonContainer.metrics_service.provided,
        http_timeout=2.0,
    )


class AppMetricsService(MetricsService):
    """An application's metrics subclass (the seed's Phase 4.1)."""


class MetricsAppContainer(CommonContainer):
    metrics_service = providers.Singleton(
        AppMetricsService,
        settings=CommonContainer.config,
        shutdown_coordinator=CommonContainer.shutdown_coordinator,
    )


class SuiteAppContainer(SeedAppContainer):
    """A container a test suite derives from the application's, re-declaring again."""

    connection_manager = providers.Singleton(
        ConnectionManager, gateway_url="http://127.0.0.1:9", http_timeout=0.5
    )


@pytest.fixture
def build(make_settings: Callable[..., Any]) -> Callable[[type[CommonContainer]], Any]:
    def build_container(container_class: type[CommonContainer]) -> Any:
        container = container_class()
        container.config.override(make_settings())
        return container

    return build_container


def test_common_container_wires_its_own_providers(build: Callable[..., Any]) -> None:
    container = build(CommonContainer)
    task_service = container.task_service()
    assert isinstance(task_service, TaskService)
    assert task_service.connection_manager is container.connection_manager()
    assert task_service.shutdown_coordinator is container.shutdown_coordinator()
    assert container.connection_manager().metrics_service is container.metrics_service()
    assert container.connection_manager().http_timeout == 2.0
    assert container.s3_service() is not container.s3_service()


def test_redeclared_connection_manager_is_the_one_tasks_use(build: Callable[..., Any]) -> None:
    container = build(SeedAppContainer)
    manager = container.connection_manager()
    assert container.task_service().connection_manager is manager
    assert manager.metrics_service is container.metrics_service()
    assert isinstance(container.s3_service(), S3Service)


def test_redeclared_metrics_service_reaches_every_dependent(build: Callable[..., Any]) -> None:
    container = build(MetricsAppContainer)
    metrics = container.metrics_service()
    assert isinstance(metrics, AppMetricsService)
    assert container.connection_manager().metrics_service is metrics
    assert container.task_service().connection_manager is container.connection_manager()


def test_a_subclass_of_the_app_container_can_redeclare_again(build: Callable[..., Any]) -> None:
    container = build(SuiteAppContainer)
    manager = container.connection_manager()
    assert manager.gateway_url == "http://127.0.0.1:9"
    assert container.task_service().connection_manager is manager


def test_subclasses_leave_common_container_and_each_other_alone(
    build: Callable[..., Any],
) -> None:
    base = build(CommonContainer)
    seed = build(SeedAppContainer)
    assert base.task_service().connection_manager is base.connection_manager()
    assert seed.task_service().connection_manager is seed.connection_manager()
    assert base.connection_manager() is not seed.connection_manager()
    assert type(build(MetricsAppContainer).metrics_service()) is AppMetricsService
    assert type(base.metrics_service()) is MetricsService
