import app.core.services.task_service
from app.core.services import TaskService


def make() -> TaskService:
    return app.core.services.task_service.TaskService()
