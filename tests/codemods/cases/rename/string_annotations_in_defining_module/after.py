from dependency_injector import containers


class AppContainer(containers.DeclarativeContainer):
    @classmethod
    def build(cls) -> "AppContainer":
        return cls()


def clone(c: "AppContainer") -> "AppContainer":
    return c
