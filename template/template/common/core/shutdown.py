"""Graceful shutdown under its shutdown-only names (one implementation: :mod:`.lifecycle`).

Applications written against a shutdown coordinator (``ShutdownCoordinator``,
``LifetimeEvent``, ``register_lifetime_notification``) import from here; those
written against a lifecycle coordinator import :mod:`common.core.lifecycle`. The
names are aliases of the same classes, so both kinds of code share one coordinator.
"""

from common.core.lifecycle import (
    SHUTDOWN_SIGNALS,
    LifecycleCoordinator,
    LifecycleCoordinatorProtocol,
    LifecycleEvent,
)

LifetimeEvent = LifecycleEvent
ShutdownCoordinatorProtocol = LifecycleCoordinatorProtocol
ShutdownCoordinator = LifecycleCoordinator

__all__ = [
    "SHUTDOWN_SIGNALS",
    "LifetimeEvent",
    "ShutdownCoordinator",
    "ShutdownCoordinatorProtocol",
]
