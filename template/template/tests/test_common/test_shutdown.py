"""The lifecycle coordinator: startup, shutdown order, waiters, signals, and the shutdown names."""

import signal
from collections.abc import Iterator

import pytest

from common.core.lifecycle import LifecycleCoordinator, LifecycleEvent
from common.core.shutdown import LifetimeEvent, ShutdownCoordinator


def test_shutdown_notifies_in_order_and_calls_waiters() -> None:
    coordinator = LifecycleCoordinator(graceful_shutdown_timeout=30)
    seen: list[str] = []
    coordinator.register_lifecycle_notification(lambda event: seen.append(event.value))

    def waiter(remaining: float) -> bool:
        seen.append("waiter")
        assert 0 < remaining <= 30
        assert coordinator.is_shutting_down()
        return True

    coordinator.register_shutdown_waiter("work", waiter)
    coordinator.shutdown()

    assert seen == ["prepare_shutdown", "waiter", "shutdown", "after_shutdown"]


def test_startup_fires_once() -> None:
    coordinator = LifecycleCoordinator(graceful_shutdown_timeout=5)
    events: list[LifecycleEvent] = []
    coordinator.register_lifecycle_notification(events.append)
    coordinator.fire_startup()
    coordinator.fire_startup()
    assert events == [LifecycleEvent.STARTUP]


def test_shutdown_runs_once() -> None:
    coordinator = LifecycleCoordinator(graceful_shutdown_timeout=5)
    events: list[LifecycleEvent] = []
    coordinator.register_lifecycle_notification(events.append)
    coordinator.shutdown()
    coordinator.shutdown()
    assert events.count(LifecycleEvent.PREPARE_SHUTDOWN) == 1


def test_shutdown_names_are_the_lifecycle_classes() -> None:
    assert ShutdownCoordinator is LifecycleCoordinator
    assert LifetimeEvent is LifecycleEvent
    coordinator = ShutdownCoordinator(graceful_shutdown_timeout=5)
    events: list[LifetimeEvent] = []
    coordinator.register_lifetime_notification(events.append)
    coordinator.shutdown()
    assert events[0] is LifetimeEvent.PREPARE_SHUTDOWN


def test_failing_listener_and_waiter_do_not_stop_the_sequence() -> None:
    coordinator = LifecycleCoordinator(graceful_shutdown_timeout=5)
    events: list[LifecycleEvent] = []

    def broken_listener(event: LifecycleEvent) -> None:
        raise RuntimeError("listener failed")

    def broken_waiter(remaining: float) -> bool:
        raise RuntimeError("waiter failed")

    coordinator.register_lifecycle_notification(broken_listener)
    coordinator.register_lifecycle_notification(events.append)
    coordinator.register_shutdown_waiter("broken", broken_waiter)
    coordinator.shutdown()

    assert events == [
        LifecycleEvent.PREPARE_SHUTDOWN,
        LifecycleEvent.SHUTDOWN,
        LifecycleEvent.AFTER_SHUTDOWN,
    ]


@pytest.fixture
def restore_signal_handlers() -> Iterator[None]:
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    yield
    for signum, handler in previous.items():
        signal.signal(signum, handler)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_handler_shuts_down_and_exits(
    restore_signal_handlers: None, signum: signal.Signals
) -> None:
    coordinator = LifecycleCoordinator(graceful_shutdown_timeout=5)
    coordinator.initialize()
    handler = signal.getsignal(signum)
    assert callable(handler)
    with pytest.raises(SystemExit) as exit_info:
        handler(signum, None)
    assert exit_info.value.code == 0
    assert coordinator.is_shutting_down()


def test_signal_handler_without_exit_returns(restore_signal_handlers: None) -> None:
    coordinator = LifecycleCoordinator(graceful_shutdown_timeout=5)
    events: list[LifecycleEvent] = []
    coordinator.register_lifecycle_notification(events.append)
    coordinator.initialize(exit_on_signal=False)
    handler = signal.getsignal(signal.SIGINT)
    assert callable(handler)
    handler(signal.SIGINT, None)
    assert events[-1] is LifecycleEvent.AFTER_SHUTDOWN
