import sys

if sys.version_info >= (3, 11):
    from common.core.shutdown import LifetimeEvent, ShutdownCoordinator


def events():
    from common.core.shutdown import LifetimeEvent

    return list(LifetimeEvent)
