import common.core.shutdown


def stop():
    return common.core.shutdown.LifetimeEvent.SHUTDOWN
