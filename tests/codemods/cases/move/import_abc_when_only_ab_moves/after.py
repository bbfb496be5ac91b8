import common.utils.shutdown


def stop():
    common.utils.shutdown.ShutdownCoordinator(10).shutdown()
