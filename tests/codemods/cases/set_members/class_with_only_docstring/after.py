from dependency_injector import providers

from common.core.container import CommonContainer
from common.tasks.service import TaskService


class AppContainer(CommonContainer):
    """The app's services."""

    task_service = providers.Singleton(TaskService)
