from app.jobs.service import TaskService

from ..jobs import service as task_service


def service() -> TaskService:
    return task_service.TaskService()
