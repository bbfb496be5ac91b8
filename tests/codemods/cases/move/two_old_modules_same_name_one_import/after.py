from common.core.shutdown import ShutdownCoordinator, LifetimeEvent


def make() -> ShutdownCoordinator:
    return ShutdownCoordinator(10), LifetimeEvent
