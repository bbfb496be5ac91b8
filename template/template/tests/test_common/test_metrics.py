"""Metrics: the Prometheus endpoint and the base metrics service."""

import threading

from flask.testing import FlaskClient

from common.core.container import CommonContainer


def test_metrics_endpoint_serves_prometheus_text(common_client: FlaskClient) -> None:
    response = common_client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    body = response.get_data(as_text=True)
    assert "# TYPE application_start_time_seconds gauge" in body
    assert "shutdown_in_progress" in body


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
