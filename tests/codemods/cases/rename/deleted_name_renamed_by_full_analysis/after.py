from app.container import AppContainer

container = AppContainer()
del AppContainer
