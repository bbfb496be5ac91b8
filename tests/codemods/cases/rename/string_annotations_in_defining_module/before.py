from dependency_injector import containers


class ServiceContainer(containers.DeclarativeContainer):
    @classmethod
    def build(cls) -> "ServiceContainer":
        return cls()


def clone(c: "ServiceContainer") -> "ServiceContainer":
    return c
