from app.container import ServiceContainer


class TestContainer(ServiceContainer):
    pass


def check(obj):
    return isinstance(obj, ServiceContainer)
