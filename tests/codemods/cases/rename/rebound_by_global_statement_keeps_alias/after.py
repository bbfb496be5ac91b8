from app.container import AppContainer as ServiceContainer


def reset():
    global ServiceContainer
    ServiceContainer = None


def build():
    return ServiceContainer()
