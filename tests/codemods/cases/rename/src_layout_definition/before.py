from dependency_injector import containers


class Services(containers.DeclarativeContainer):
    pass


__all__ = ["Services"]
