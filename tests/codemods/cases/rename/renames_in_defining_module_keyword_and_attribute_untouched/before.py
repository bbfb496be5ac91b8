class ServiceContainer:
    pass


class Holder:
    ServiceContainer = ServiceContainer

    def build(self):
        return self.ServiceContainer(), dict(ServiceContainer=1)
