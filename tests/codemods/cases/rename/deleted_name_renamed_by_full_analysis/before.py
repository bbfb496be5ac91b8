from app.container import ServiceContainer

container = ServiceContainer()
del ServiceContainer
