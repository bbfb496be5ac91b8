from app.services.shutdown_coordinator import ShutdownCoordinator
from app.utils.shutdown_coordinator import LifetimeEvent


def make() -> ShutdownCoordinator:
    return ShutdownCoordinator(graceful_shutdown_timeout=LifetimeEvent.SHUTDOWN)
