from common.core.shutdown import LifetimeEvent, ShutdownCoordinator


def make() -> ShutdownCoordinator:
    return ShutdownCoordinator(10), LifetimeEvent
