from app.container import ServiceContainer, wire_modules

container = ServiceContainer()
wire_modules(container)
ServiceContainerFactory = None
