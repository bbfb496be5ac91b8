from common.utils.shutdown import ShutdownCoordinator
from common.utils import shutdown


def stop():
    ShutdownCoordinator(10).shutdown()
    return shutdown
