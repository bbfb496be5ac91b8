from common.core.shutdown import LifetimeEvent, ShutdownCoordinator


def make() -> ShutdownCoordinator:
    return ShutdownCoordinator(graceful_shutdown_timeout=LifetimeEvent.SHUTDOWN)
