from .. import utils


def stop():
    return utils.shutdown_coordinator.LifetimeEvent.SHUTDOWN
