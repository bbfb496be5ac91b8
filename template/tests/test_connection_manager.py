"""ConnectionManager of the rendered ``common/sse`` against a fake SSE Gateway over HTTP."""

import json
import threading
from collections.abc import Callable

import pytest
from prometheus_client import REGISTRY

from common.core.settings import CommonSettings
from common.core.shutdown import ShutdownCoordinator
from common.metrics.service import MetricsService
from common.sse.connection_manager import (
    ConnectionManager,
    SSEGatewayConnectCallback,
    SSEGatewayDisconnectCallback,
    SSEGatewayEvent,
    SSEGatewaySendRequest,
)
from sse_gateway import FakeGateway

STREAM = "http://localhost:3000/api/sse/stream?request_id={}"


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def metrics_service(make_settings: Callable[..., CommonSettings]) -> MetricsService:
    return MetricsService(make_settings(), ShutdownCoordinator(graceful_shutdown_timeout=5))


@pytest.fixture
def manager(gateway: FakeGateway, metrics_service: MetricsService) -> ConnectionManager:
    return ConnectionManager(gateway.url, metrics_service=metrics_service, http_timeout=2.0)


def connect(manager: ConnectionManager, request_id: str, token: str) -> None:
    manager.on_connect(request_id, token, STREAM.format(request_id))


# Connection registration


def test_connect_registers_and_disconnect_forgets(manager: ConnectionManager) -> None:
    assert not manager.has_connection("req-1")
    connect(manager, "req-1", "tok-1")
    assert manager.has_connection("req-1")
    manager.on_disconnect("tok-1")
    assert not manager.has_connection("req-1")


def test_disconnect_of_unknown_token_is_ignored(manager: ConnectionManager) -> None:
    connect(manager, "req-1", "tok-1")
    manager.on_disconnect("tok-unknown")
    assert manager.has_connection("req-1")


def test_reconnect_replaces_and_closes_the_old_stream(
    manager: ConnectionManager, gateway: FakeGateway
) -> None:
    connect(manager, "req-1", "tok-old")
    connect(manager, "req-1", "tok-new")

    assert gateway.sent_to("tok-old") == [{"token": "tok-old", "close": True}]
    # The stale disconnect of the replaced stream must not drop the new one.
    manager.on_disconnect("tok-old")
    assert manager.has_connection("req-1")
    assert manager.send_event("req-1", {"n": 1}, event_name="update", service_type="test")
    assert gateway.events_to("tok-new") == [{"name": "update", "data": {"n": 1}}]
    assert gateway.events_to("tok-old") == []


def test_concurrent_connects_keep_the_maps_consistent(manager: ConnectionManager) -> None:
    threads = [
        threading.Thread(target=connect, args=(manager, f"req-{i}", f"tok-{i}")) for i in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(manager.has_connection(f"req-{i}") for i in range(20))


# Observers


def test_observers_are_notified_on_connect(manager: ConnectionManager) -> None:
    seen: list[str] = []
    manager.register_on_connect(seen.append)
    manager.register_on_connect(lambda request_id: seen.append(f"second:{request_id}"))
    connect(manager, "req-1", "tok-1")
    assert seen == ["req-1", "second:req-1"]


def test_observer_can_send_to_the_new_connection(
    manager: ConnectionManager, gateway: FakeGateway
) -> None:
    manager.register_on_connect(
        lambda request_id: manager.send_event(
            request_id, {"version": "1.2.3"}, event_name="version", service_type="version"
        )
    )
    connect(manager, "req-1", "tok-1")
    assert gateway.events_to("tok-1") == [{"name": "version", "data": {"version": "1.2.3"}}]


def test_failing_observer_affects_nothing_else(manager: ConnectionManager) -> None:
    seen: list[str] = []

    def broken(request_id: str) -> None:
        raise RuntimeError("observer bug")

    manager.register_on_connect(broken)
    manager.register_on_connect(seen.append)
    connect(manager, "req-1", "tok-1")
    assert seen == ["req-1"]
    assert manager.has_connection("req-1")


# Sending


def test_targeted_send_reaches_only_that_client(
    manager: ConnectionManager, gateway: FakeGateway
) -> None:
    connect(manager, "req-1", "tok-1")
    connect(manager, "req-2", "tok-2")
    assert manager.send_event("req-2", {"id": 7}, event_name="task_event", service_type="task")
    assert gateway.sent_to("tok-1") == []
    body = gateway.sent_to("tok-2")[0]
    assert body == {
        "token": "tok-2",
        "event": {"name": "task_event", "data": json.dumps({"id": 7})},
        "close": False,
    }


def test_targeted_send_without_connection_returns_false(
    manager: ConnectionManager, gateway: FakeGateway
) -> None:
    assert not manager.send_event("nobody", {}, event_name="x", service_type="test")
    assert gateway.requests == []


def test_broadcast_reaches_every_client(manager: ConnectionManager, gateway: FakeGateway) -> None:
    for i in range(3):
        connect(manager, f"req-{i}", f"tok-{i}")
    assert manager.send_event(None, {"v": 2}, event_name="version", service_type="version")
    for i in range(3):
        assert gateway.events_to(f"tok-{i}") == [{"name": "version", "data": {"v": 2}}]


def test_broadcast_to_nobody_succeeds(manager: ConnectionManager, gateway: FakeGateway) -> None:
    assert manager.send_event(None, {}, event_name="version", service_type="version")
    assert gateway.requests == []


def test_event_data_is_serialized_as_json_text(
    manager: ConnectionManager, gateway: FakeGateway
) -> None:
    connect(manager, "req-1", "tok-1")
    manager.send_event("req-1", {"nested": {"list": [1, 2]}, "text": "ü"}, "e", "test")
    raw = gateway.sent_to("tok-1")[0]["event"]["data"]
    assert isinstance(raw, str)
    assert json.loads(raw) == {"nested": {"list": [1, 2]}, "text": "ü"}


# Error isolation


def test_gateway_error_for_one_client_does_not_affect_the_others(
    manager: ConnectionManager, gateway: FakeGateway
) -> None:
    for i in range(3):
        connect(manager, f"req-{i}", f"tok-{i}")
    gateway.status_by_token["tok-1"] = 500

    assert not manager.send_event(None, {"v": 1}, event_name="version", service_type="version")
    assert gateway.events_to("tok-0") and gateway.events_to("tok-2")
    assert manager.has_connection("req-1")


def test_gone_connection_is_forgotten(manager: ConnectionManager, gateway: FakeGateway) -> None:
    connect(manager, "req-1", "tok-1")
    gateway.status_by_token["tok-1"] = 404
    assert not manager.send_event("req-1", {}, event_name="x", service_type="test")
    assert not manager.has_connection("req-1")


def test_unreachable_gateway_returns_false_without_raising(
    metrics_service: MetricsService,
) -> None:
    manager = ConnectionManager(
        "http://127.0.0.1:9", metrics_service=metrics_service, http_timeout=1.0
    )
    manager.on_connect("req-1", "tok-1", STREAM.format("req-1"))
    assert not manager.send_event("req-1", {}, event_name="x", service_type="unreachable")
    assert manager.has_connection("req-1")


def test_works_without_metrics_service(gateway: FakeGateway) -> None:
    manager = ConnectionManager(gateway.url)
    assert manager.http_timeout == 5.0
    connect(manager, "req-1", "tok-1")
    assert manager.send_event("req-1", {}, event_name="x", service_type="test")


# Metrics


def test_metrics_are_recorded_per_operation(
    manager: ConnectionManager, gateway: FakeGateway
) -> None:
    connects = sample("sse_gateway_connections_total", action="connect")
    disconnects = sample("sse_gateway_connections_total", action="disconnect")
    successes = sample("sse_gateway_events_sent_total", service="metrics-test", status="success")
    errors = sample("sse_gateway_events_sent_total", service="metrics-test", status="error")
    durations = sample("sse_gateway_send_duration_seconds_count", service="metrics-test")

    connect(manager, "req-1", "tok-1")
    connect(manager, "req-2", "tok-2")
    assert sample("sse_gateway_active_connections") == 2
    manager.send_event("req-1", {}, event_name="x", service_type="metrics-test")
    gateway.status_by_token["tok-2"] = 503
    manager.send_event("req-2", {}, event_name="x", service_type="metrics-test")
    manager.on_disconnect("tok-1")

    assert sample("sse_gateway_connections_total", action="connect") == connects + 2
    assert sample("sse_gateway_connections_total", action="disconnect") == disconnects + 1
    assert (
        sample("sse_gateway_events_sent_total", service="metrics-test", status="success")
        == successes + 1
    )
    assert (
        sample("sse_gateway_events_sent_total", service="metrics-test", status="error")
        == errors + 1
    )
    assert (
        sample("sse_gateway_send_duration_seconds_count", service="metrics-test") == durations + 2
    )
    assert sample("sse_gateway_active_connections") == 1


# Gateway models


def test_gateway_models_match_the_protocol() -> None:
    connect_callback = SSEGatewayConnectCallback.model_validate(
        {"action": "connect", "token": "t", "request": {"url": "/s?request_id=r", "headers": {}}}
    )
    assert connect_callback.request.url == "/s?request_id=r"
    disconnect = SSEGatewayDisconnectCallback.model_validate(
        {
            "action": "disconnect",
            "reason": "server_closed",
            "token": "t",
            "request": {"url": "/s", "headers": {}},
        }
    )
    assert disconnect.reason == "server_closed"
    send = SSEGatewaySendRequest(token="t", event=SSEGatewayEvent(name="n", data="{}"))
    assert send.model_dump() == {"token": "t", "event": {"name": "n", "data": "{}"}, "close": False}
