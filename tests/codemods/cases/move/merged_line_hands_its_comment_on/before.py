from app.services.shutdown_coordinator import ShutdownCoordinator
# lifetime events come from the utils copy
from app.utils.shutdown_coordinator import LifetimeEvent
import os

print(ShutdownCoordinator, LifetimeEvent, os)
