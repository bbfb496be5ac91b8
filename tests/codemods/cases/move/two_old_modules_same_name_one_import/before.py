from app.services.shutdown_coordinator import ShutdownCoordinator
from app.utils.shutdown_coordinator import LifetimeEvent, ShutdownCoordinator


def make() -> ShutdownCoordinator:
    return ShutdownCoordinator(10), LifetimeEvent
