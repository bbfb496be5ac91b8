"""Graceful shutdown: lifetime notifications and waiters that get time to finish work.

On SIGTERM (or ``POST /health/drain``) the coordinator tells every listener that
shutdown is coming (``PREPARE_SHUTDOWN``, readiness turns 503), gives each
registered waiter the time left of ``graceful_shutdown_timeout`` to finish its
work, then announces ``SHUTDOWN`` and ``AFTER_SHUTDOWN``.
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


class LifetimeEvent(str, Enum):
    """Stages of a graceful shutdown, in the order listeners receive them."""

    PREPARE_SHUTDOWN = "prepare_shutdown"
    SHUTDOWN = "shutdown"
    AFTER_SHUTDOWN = "after_shutdown"


class ShutdownCoordinatorProtocol(ABC):
    """What services need from the shutdown coordinator."""

    @abstractmethod
    def initialize(self) -> None:
        """Install the SIGTERM handler."""

    @abstractmethod
    def register_lifetime_notification(self, callback: Callable[[LifetimeEvent], None]) -> None:
        """Call ``callback`` with every lifetime event."""

    @abstractmethod
    def register_shutdown_waiter(self, name: str, handler: Callable[[float], bool]) -> None:
        """Let ``handler`` block shutdown; it gets the seconds left and returns True when done."""

    @abstractmethod
    def is_shutting_down(self) -> bool:
        """True once shutdown has started."""

    @abstractmethod
    def shutdown(self) -> None:
        """Run the shutdown sequence (once); never exits the process."""


class ShutdownCoordinator(ShutdownCoordinatorProtocol):
    """Runs the shutdown sequence once, from a signal handler or from a drain request."""

    def __init__(self, graceful_shutdown_timeout: int) -> None:
        self._graceful_shutdown_timeout = graceful_shutdown_timeout
        self._notifications: list[Callable[[LifetimeEvent], None]] = []
        self._waiters: dict[str, Callable[[float], bool]] = {}
        self._lock = threading.RLock()
        self._shutting_down = False
        self._shutdown_complete = threading.Event()

    @property
    def graceful_shutdown_timeout(self) -> int:
        """Seconds the waiters get, together, to finish their work."""
        return self._graceful_shutdown_timeout

    def initialize(self) -> None:
        """Install the SIGTERM handler (main thread only, as Python requires)."""
        signal.signal(signal.SIGTERM, self._handle_sigterm)
        logger.info(
            "Shutdown coordinator initialized",
            extra={"graceful_shutdown_timeout": self._graceful_shutdown_timeout},
        )

    def register_lifetime_notification(self, callback: Callable[[LifetimeEvent], None]) -> None:
        with self._lock:
            self._notifications.append(callback)

    def register_shutdown_waiter(self, name: str, handler: Callable[[float], bool]) -> None:
        with self._lock:
            self._waiters[name] = handler

    def is_shutting_down(self) -> bool:
        return self._shutting_down

    def shutdown(self) -> None:
        with self._lock:
            if self._shutting_down:
                already_running = True
            else:
                already_running = False
                self._shutting_down = True
        if already_running:
            # A second caller (signal after drain) waits for the first one to finish.
            self._shutdown_complete.wait(self._graceful_shutdown_timeout)
            return

        started = time.perf_counter()
        logger.info("Graceful shutdown started")
        self._notify(LifetimeEvent.PREPARE_SHUTDOWN)
        self._wait_for_waiters(started)
        self._notify(LifetimeEvent.SHUTDOWN)
        self._notify(LifetimeEvent.AFTER_SHUTDOWN)
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

    def _notify(self, event: LifetimeEvent) -> None:
        with self._lock:
            callbacks = list(self._notifications)
        for callback in callbacks:
            try:
                callback(event)
            except Exception:
                logger.exception("Lifetime notification failed", extra={"event": event.value})

    def _handle_sigterm(self, signum: int, frame: FrameType | None) -> None:
        logger.info("SIGTERM received")
        self.shutdown()
        # Raised in the main thread, this unwinds waitress' serve loop and exits with 0.
        sys.exit(0)
