from app.container import AppContainer


class Wiring:
    ServiceContainer = AppContainer

    def build(self):
        return self.ServiceContainer()


def build():
    return AppContainer()
