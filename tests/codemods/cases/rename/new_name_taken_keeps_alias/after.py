from app.container import AppContainer as ServiceContainer

AppContainer = ServiceContainer
