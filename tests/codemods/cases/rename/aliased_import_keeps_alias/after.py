from app.container import AppContainer as Container

container = Container()
