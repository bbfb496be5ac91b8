from .config import Settings
from .container import ServiceContainer


def create_app(settings: Settings | None = None):
    container = ServiceContainer()
    container.config.override(settings)
    return container
