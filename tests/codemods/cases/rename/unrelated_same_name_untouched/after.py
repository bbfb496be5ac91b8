from other.container import ServiceContainer

container = ServiceContainer()
