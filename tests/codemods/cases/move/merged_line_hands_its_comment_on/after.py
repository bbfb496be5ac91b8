from common.core.shutdown import ShutdownCoordinator, LifetimeEvent
# lifetime events come from the utils copy
import os

print(ShutdownCoordinator, LifetimeEvent, os)
