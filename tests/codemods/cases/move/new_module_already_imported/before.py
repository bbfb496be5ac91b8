from common.core.shutdown import ShutdownCoordinatorProtocol
from app.utils.shutdown_coordinator import ShutdownCoordinator


def make() -> ShutdownCoordinatorProtocol:
    return ShutdownCoordinator(10)
