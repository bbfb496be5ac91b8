import common.core.shutdown


def make():
    a = common.core.shutdown.ShutdownCoordinator(10)
    return a, common.core.shutdown.LifetimeEvent
