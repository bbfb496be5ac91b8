from common.utils import shutdown
from common.utils.shutdown import ShutdownCoordinator


def stop():
    ShutdownCoordinator(10).shutdown()
    return shutdown
