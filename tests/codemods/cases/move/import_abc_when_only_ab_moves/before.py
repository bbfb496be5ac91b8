import legacy.utils.shutdown


def stop():
    legacy.utils.shutdown.ShutdownCoordinator(10).shutdown()
