from app.domain.services.task_service import TaskService

from ..domain.services import task_service


def service() -> TaskService:
    return task_service.TaskService()
