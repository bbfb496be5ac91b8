from app.container import AppContainer, wire_modules

container = AppContainer()
wire_modules(container)
ServiceContainerFactory = None
