from app.container import ServiceContainer


def reset():
    global ServiceContainer
    ServiceContainer = None


def build():
    return ServiceContainer()
