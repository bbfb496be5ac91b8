import app.container


def build():
    return app.container.ServiceContainer()
