from common.core.shutdown import ShutdownCoordinator, LifetimeEvent


def make() -> ShutdownCoordinator:
    return ShutdownCoordinator(graceful_shutdown_timeout=LifetimeEvent.SHUTDOWN)
