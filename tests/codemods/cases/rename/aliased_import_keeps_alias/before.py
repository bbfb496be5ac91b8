from app.container import ServiceContainer as Container

container = Container()
