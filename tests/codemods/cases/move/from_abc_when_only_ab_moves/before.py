from legacy.utils.shutdown import ShutdownCoordinator
from legacy.utils import shutdown


def stop():
    ShutdownCoordinator(10).shutdown()
    return shutdown
