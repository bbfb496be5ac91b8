from common.core.shutdown import ShutdownCoordinatorProtocol, ShutdownCoordinator


def make() -> ShutdownCoordinatorProtocol:
    return ShutdownCoordinator(10)
