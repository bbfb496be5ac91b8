"""ShutdownCoordinator: event order, waiters, idempotence and failure isolation."""

import signal

import pytest

from common.core.shutdown import LifetimeEvent, ShutdownCoordinator


def test_shutdown_notifies_in_order_and_calls_waiters() -> None:
    coordinator = ShutdownCoordinator(graceful_shutdown_timeout=30)
    seen: list[str] = []
    coordinator.register_lifetime_notification(lambda event: seen.append(event.value))

    def waiter(remaining: float) -> bool:
        seen.append("waiter")
        assert 0 < remaining <= 30
        assert coordinator.is_shutting_down()
        return True

    coordinator.register_shutdown_waiter("work", waiter)
    coordinator.shutdown()

    assert seen == ["prepare_shutdown", "waiter", "shutdown", "after_shutdown"]


def test_shutdown_runs_once() -> None:
    coordinator = ShutdownCoordinator(graceful_shutdown_timeout=5)
    events: list[LifetimeEvent] = []
    coordinator.register_lifetime_notification(events.append)
    coordinator.shutdown()
    coordinator.shutdown()
    assert events.count(LifetimeEvent.PREPARE_SHUTDOWN) == 1


def test_failing_listener_and_waiter_do_not_stop_the_sequence() -> None:
    coordinator = ShutdownCoordinator(graceful_shutdown_timeout=5)
    events: list[LifetimeEvent] = []

    def broken_listener(event: LifetimeEvent) -> None:
        raise RuntimeError("listener failed")

    def broken_waiter(remaining: float) -> bool:
        raise RuntimeError("waiter failed")

    coordinator.register_lifetime_notification(broken_listener)
    coordinator.register_lifetime_notification(events.append)
    coordinator.register_shutdown_waiter("broken", broken_waiter)
    coordinator.shutdown()

    assert events == [
        LifetimeEvent.PREPARE_SHUTDOWN,
        LifetimeEvent.SHUTDOWN,
        LifetimeEvent.AFTER_SHUTDOWN,
    ]


def test_initialize_installs_sigterm_handler_that_shuts_down_and_exits() -> None:
    coordinator = ShutdownCoordinator(graceful_shutdown_timeout=5)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        coordinator.initialize()
        handler = signal.getsignal(signal.SIGTERM)
        assert callable(handler)
        with pytest.raises(SystemExit) as exit_info:
            handler(signal.SIGTERM, None)
        assert exit_info.value.code == 0
        assert coordinator.is_shutting_down()
    finally:
        signal.signal(signal.SIGTERM, previous)
