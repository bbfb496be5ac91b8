class ShutdownCoordinator:
    pass
