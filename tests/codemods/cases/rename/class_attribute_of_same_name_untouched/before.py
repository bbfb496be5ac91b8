from app.container import ServiceContainer


class Wiring:
    ServiceContainer = ServiceContainer

    def build(self):
        return self.ServiceContainer()


def build():
    return ServiceContainer()
