"""Process lifecycle: a run-once startup event, graceful shutdown, and the signals that start it.

Listeners registered with :meth:`LifecycleCoordinator.register_lifecycle_notification`
receive ``STARTUP`` once (from :meth:`~LifecycleCoordinator.fire_startup`, which
the app factory or the runner calls), then, on SIGTERM, SIGINT or
``POST /health/drain``, ``PREPARE_SHUTDOWN`` (readiness turns 503), and, after
every registered shutdown waiter has had the time left of
``graceful_shutdown_timeout`` to finish its work, ``SHUTDOWN`` and
``AFTER_SHUTDOWN``.

:meth:`~LifecycleCoordinator.shutdown` never exits the process. The signal handler
that :meth:`~LifecycleCoordinator.initialize` installs runs it and then, by
default, exits with status 0; ``initialize(exit_on_signal=False)`` keeps the
process alive (the caller decides when to stop serving).

``common.core.shutdown`` offers the same classes under their shutdown-only names
(``ShutdownCoordinator``, ``LifetimeEvent``, ``register_lifetime_notification``).
"""

import logging
import signal
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from enum import Enum
from types import FrameType

logger = logging.getLogger(__name__)

# Signals that start the graceful shutdown: the orchestrator's stop, and Ctrl-C.
SHUTDOWN_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGINT)


class LifecycleEvent(str, Enum):
    """Stages of the process's life, in the order listeners receive them."""

    STARTUP = "startup"
    PREPARE_SHUTDOWN = "prepare_shutdown"
    SHUTDOWN = "shutdown"
    AFTER_SHUTDOWN = "after_shutdown"


class LifecycleCoordinatorProtocol(ABC):
    """What services need from the lifecycle coordinator."""

    @abstractmethod
    def initialize(self, exit_on_signal: bool = True) -> None:
        """Install the SIGTERM and SIGINT handlers."""

    @abstractmethod
    def register_lifecycle_notification(self, callback: Callable[[LifecycleEvent], None]) -> None:
        """Call ``callback`` with every lifecycle event."""

    def register_lifetime_notification(self, callback: Callable[[LifecycleEvent], None]) -> None:
        """The shutdown-only name of :meth:`register_lifecycle_notification`."""
        self.register_lifecycle_notification(callback)

    @abstractmethod
    def register_shutdown_waiter(self, name: str, handler: Callable[[float], bool]) -> None:
        """Let ``handler`` block shutdown; it gets the seconds left and returns True when done."""

    @abstractmethod
    def is_shutting_down(self) -> bool:
        """True once shutdown has started."""

    @abstractmethod
    def fire_startup(self) -> None:
        """Announce ``STARTUP`` (once; later calls do nothing)."""

    @abstractmethod
    def shutdown(self) -> None:
        """Run the shutdown sequence (once); never exits the process."""


class LifecycleCoordinator(LifecycleCoordinatorProtocol):
    """Runs startup once and shutdown once, from a signal handler or from a drain request."""

    def __init__(self, graceful_shutdown_timeout: int) -> None:
        self._graceful_shutdown_timeout = graceful_shutdown_timeout
        self._notifications: list[Callable[[LifecycleEvent], None]] = []
        self._waiters: dict[str, Callable[[float], bool]] = {}
        self._lock = threading.RLock()
        self._started = False
        self._shutting_down = False
        self._shutdown_complete = threading.Event()
        self._exit_on_signal = True

    @property
    def graceful_shutdown_timeout(self) -> int:
        """Seconds the waiters get, together, to finish their work."""
        return self._graceful_shutdown_timeout

    def initialize(self, exit_on_signal: bool = True) -> None:
        """Install the SIGTERM and SIGINT handlers (main thread only, as Python requires).

        With ``exit_on_signal`` (the default) the handler exits the process with
        status 0 once the shutdown sequence has finished; without it the handler
        returns and the process goes on.
        """
        self._exit_on_signal = exit_on_signal
        for signum in SHUTDOWN_SIGNALS:
            signal.signal(signum, self._handle_signal)
        logger.info(
            "Lifecycle coordinator initialized",
            extra={
                "graceful_shutdown_timeout": self._graceful_shutdown_timeout,
                "exit_on_signal": exit_on_signal,
            },
        )

    def register_lifecycle_notification(self, callback: Callable[[LifecycleEvent], None]) -> None:
        with self._lock:
            self._notifications.append(callback)

    def register_shutdown_waiter(self, name: str, handler: Callable[[float], bool]) -> None:
        with self._lock:
            self._waiters[name] = handler

    def is_shutting_down(self) -> bool:
        return self._shutting_down

    def fire_startup(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        logger.info("Startup announced")
        self._notify(LifecycleEvent.STARTUP)

    def shutdown(self) -> None:
        with self._lock:
            already_running = self._shutting_down
            self._shutting_down = True
        if already_running:
            # A second caller (signal after drain) waits for the first one to finish.
            self._shutdown_complete.wait(self._graceful_shutdown_timeout)
            return

        started = time.perf_counter()
        logger.info("Graceful shutdown started")
        self._notify(LifecycleEvent.PREPARE_SHUTDOWN)
        self._wait_for_waiters(started)
        self._notify(LifecycleEvent.SHUTDOWN)
        self._notify(LifecycleEvent.AFTER_SHUTDOWN)
        logger.info(
            "Graceful shutdown finished",
            extra={"duration_seconds": round(time.perf_counter() - started, 3)},
        )
        self._shutdown_complete.set()

    def _wait_for_waiters(self, started: float) -> None:
        with self._lock:
            waiters = list(self._waiters.items())
        for name, handler in waiters:
            remaining = max(0.0, self._graceful_shutdown_timeout - (time.perf_counter() - started))
            try:
                finished = handler(remaining)
            except Exception:
                logger.exception("Shutdown waiter failed", extra={"waiter": name})
                continue
            if not finished:
                logger.warning(
                    "Shutdown waiter did not finish in time",
                    extra={"waiter": name, "remaining_seconds": remaining},
                )

    def _notify(self, event: LifecycleEvent) -> None:
        with self._lock:
            callbacks = list(self._notifications)
        for callback in callbacks:
            try:
                callback(event)
            except Exception:
                logger.exception("Lifecycle notification failed", extra={"event": event.value})

    def _handle_signal(self, signum: int, frame: FrameType | None) -> None:
        logger.info("%s received", signal.Signals(signum).name)
        self.shutdown()
        if self._exit_on_signal:
            # Raised in the main thread, this unwinds the server's loop and exits with 0.
            sys.exit(0)
