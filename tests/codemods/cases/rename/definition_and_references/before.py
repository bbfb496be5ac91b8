"""Dependency injection container."""

from dependency_injector import containers, providers


class ServiceContainer(containers.DeclarativeContainer):
    """All services."""

    config = providers.Configuration()


def make() -> ServiceContainer:
    container = ServiceContainer()
    container.config.from_dict({})
    return container


__all__ = ["ServiceContainer", "make"]
