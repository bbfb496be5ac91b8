from app.container import AppContainer

names = [ServiceContainer for ServiceContainer in ("a", "b")]
container = AppContainer()
