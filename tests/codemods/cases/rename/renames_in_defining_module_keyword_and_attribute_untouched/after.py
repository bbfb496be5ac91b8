class AppContainer:
    pass


class Holder:
    ServiceContainer = AppContainer

    def build(self):
        return self.ServiceContainer(), dict(ServiceContainer=1)
