from common.core.shutdown import ShutdownCoordinator, ShutdownCoordinatorProtocol


def make() -> ShutdownCoordinatorProtocol:
    return ShutdownCoordinator(10)
