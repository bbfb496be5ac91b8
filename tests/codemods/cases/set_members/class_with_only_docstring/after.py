from common.core.container import CommonContainer
from common.tasks.service import TaskService
from dependency_injector import providers


class AppContainer(CommonContainer):
    """The app's services."""

    task_service = providers.Singleton(TaskService)
