from dependency_injector import containers


class AppContainer(containers.DeclarativeContainer):
    pass


__all__ = ["AppContainer"]
