# lifetime events come from the utils copy
import os

from common.core.shutdown import LifetimeEvent, ShutdownCoordinator

print(ShutdownCoordinator, LifetimeEvent, os)
