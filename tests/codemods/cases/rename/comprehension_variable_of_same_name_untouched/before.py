from app.container import ServiceContainer

names = [ServiceContainer for ServiceContainer in ("a", "b")]
container = ServiceContainer()
