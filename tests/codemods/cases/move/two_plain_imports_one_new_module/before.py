import app.services.shutdown_coordinator
import app.utils.shutdown_coordinator


def make():
    a = app.services.shutdown_coordinator.ShutdownCoordinator(10)
    return a, app.utils.shutdown_coordinator.LifetimeEvent
