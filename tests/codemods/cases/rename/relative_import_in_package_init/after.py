from .config import Settings
from .container import AppContainer


def create_app(settings: Settings | None = None):
    container = AppContainer()
    container.config.override(settings)
    return container
