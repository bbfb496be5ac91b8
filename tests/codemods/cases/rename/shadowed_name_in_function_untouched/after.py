from app.container import AppContainer


def fake(ServiceContainer=None):
    return ServiceContainer


def real():
    return AppContainer()
