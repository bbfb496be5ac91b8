"""Metrics: the Prometheus endpoint and the base metrics service."""

import threading

from flask.testing import FlaskClient
from prometheus_client import REGISTRY

from common.core.container import CommonContainer
from common.metrics.service import APPLICATION_START_TIME_SECONDS, MetricsService


def test_metrics_endpoint_serves_prometheus_text(common_client: FlaskClient) -> None:
    response = common_client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    body = response.get_data(as_text=True)
    assert "# TYPE application_start_time_seconds gauge" in body
    assert "shutdown_in_progress" in body


def test_common_metrics_are_registered_even_after_a_registry_reset() -> None:
    """An app's fixtures may empty the registry; conftest registers common's metrics again."""
    assert APPLICATION_START_TIME_SECONDS in REGISTRY._collector_to_names


def test_update_metrics_runs_callbacks_and_isolates_failures(
    common_container: CommonContainer,
) -> None:
    metrics = common_container.metrics_service()
    calls: list[str] = []

    def broken() -> None:
        raise RuntimeError("gauge source down")

    metrics.register_for_polling("broken", broken)
    metrics.register_for_polling("working", lambda: calls.append("working"))
    metrics.update_metrics()
    assert calls == ["working"]


def test_background_updater_polls_until_shutdown(common_container: CommonContainer) -> None:
    metrics = common_container.metrics_service()
    polled = threading.Event()
    metrics.register_for_polling("probe", polled.set)
    metrics.start_background_updater(interval_seconds=1)
    assert polled.wait(timeout=5)

    common_container.shutdown_coordinator().shutdown()
    assert metrics._updater_thread is None


def test_initial_delay_holds_the_first_round_back() -> None:
    metrics = MetricsService()
    polled = threading.Event()
    metrics.register_for_polling("probe", polled.set)
    metrics.start_background_updater(interval_seconds=1, initial_delay_seconds=3600)
    assert not polled.wait(timeout=0.3)
    metrics.shutdown()
    assert not polled.is_set()
