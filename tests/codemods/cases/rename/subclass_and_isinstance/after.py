from app.container import AppContainer


class TestContainer(AppContainer):
    pass


def check(obj):
    return isinstance(obj, AppContainer)
