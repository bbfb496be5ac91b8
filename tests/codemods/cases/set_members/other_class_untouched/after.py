from dependency_injector import containers, providers


class TestContainer(containers.DeclarativeContainer):
    part_service = providers.Factory(object)
