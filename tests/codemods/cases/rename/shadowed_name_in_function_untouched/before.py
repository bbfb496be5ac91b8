from app.container import ServiceContainer


def fake(ServiceContainer=None):
    return ServiceContainer


def real():
    return ServiceContainer()
