import sys

if sys.version_info >= (3, 11):
    from app.services.shutdown_coordinator import ShutdownCoordinator
    from app.utils.shutdown_coordinator import LifetimeEvent


def events():
    from app.utils.shutdown_coordinator import LifetimeEvent

    return list(LifetimeEvent)
