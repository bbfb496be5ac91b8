"""Metrics of the rendered ``common/metrics``: the endpoint and the base service."""

import threading
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Gauge
from prometheus_client.parser import text_string_to_metric_families

from common.core.shutdown import ShutdownCoordinator
from common.metrics.service import MetricsService

INVENTORY_PARTS = Gauge("inventory_test_parts", "Parts counted by the app-side subclass")


def test_metrics_endpoint_serves_prometheus_text(client: FlaskClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == CONTENT_TYPE_LATEST
    families = {family.name for family in text_string_to_metric_families(response.text)}
    assert {
        "application_start_time_seconds",
        "shutdown_in_progress",
        "sse_gateway_connections",
        "sse_gateway_active_connections",
        "task_executions",
        "task_active",
    } <= families


def test_metrics_endpoint_reflects_shutdown(client: FlaskClient, app: Any) -> None:
    app.container.metrics_service()
    app.container.shutdown_coordinator().shutdown()
    assert REGISTRY.get_sample_value("shutdown_in_progress") == 1
    assert "shutdown_duration_seconds" in client.get("/metrics").text


def test_container_metrics_service_is_a_singleton_with_the_settings(app: Any) -> None:
    metrics = app.container.metrics_service()
    assert metrics is app.container.metrics_service()
    assert metrics.settings is app.container.config()
    assert metrics.shutdown_coordinator is app.container.shutdown_coordinator()


def test_polling_callbacks_run_on_update_and_failures_are_isolated(
    make_settings: Callable[..., Any],
) -> None:
    metrics = MetricsService(make_settings(), ShutdownCoordinator(graceful_shutdown_timeout=5))
    calls: list[str] = []

    def broken() -> None:
        raise RuntimeError("source down")

    metrics.register_for_polling("broken", broken)
    metrics.register_for_polling("ok", lambda: calls.append("ok"))
    metrics.register_for_polling("ok", lambda: calls.append("replaced"))
    metrics.update_metrics()
    assert calls == ["replaced"]
    assert REGISTRY.get_sample_value("application_metrics_update_failures") == 1


def test_background_updater_uses_the_settings_interval_and_stops_on_shutdown(
    make_settings: Callable[..., Any],
) -> None:
    coordinator = ShutdownCoordinator(graceful_shutdown_timeout=5)
    metrics = MetricsService(make_settings(METRICS_UPDATE_INTERVAL=1), coordinator)
    rounds = threading.Semaphore(0)
    metrics.register_for_polling("probe", rounds.release)

    metrics.start_background_updater()
    assert rounds.acquire(timeout=5)
    assert rounds.acquire(timeout=5)  # a second round after the 1 s interval
    thread = metrics._updater_thread
    assert thread is not None and thread.is_alive()

    coordinator.shutdown()
    assert not thread.is_alive()


class InventoryMetricsService(MetricsService):
    """The shape of an application's subclass (the seed's Phase 4.1)."""

    def __init__(self, container: Any, settings: Any, shutdown_coordinator: Any) -> None:
        super().__init__(settings, shutdown_coordinator)
        self._container = container

    def update_metrics(self) -> None:
        super().update_metrics()
        INVENTORY_PARTS.set(self._container["parts"])


def test_application_subclass_extends_update_metrics(make_settings: Callable[..., Any]) -> None:
    coordinator = ShutdownCoordinator(graceful_shutdown_timeout=5)
    metrics = InventoryMetricsService({"parts": 12}, make_settings(), coordinator)
    polled: list[bool] = []
    metrics.register_for_polling("base", lambda: polled.append(True))
    metrics.update_metrics()
    assert polled == [True]
    assert REGISTRY.get_sample_value("inventory_test_parts") == 12
