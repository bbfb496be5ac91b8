from app.container import ServiceContainer

AppContainer = ServiceContainer
