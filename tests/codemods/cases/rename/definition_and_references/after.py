"""Dependency injection container."""

from dependency_injector import containers, providers


class AppContainer(containers.DeclarativeContainer):
    """All services."""

    config = providers.Configuration()


def make() -> AppContainer:
    container = AppContainer()
    container.config.from_dict({})
    return container


__all__ = ["AppContainer", "make"]
