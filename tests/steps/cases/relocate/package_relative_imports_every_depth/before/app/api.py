import app.domain.services.task_service
from app.domain.services import TaskService


def make() -> TaskService:
    return app.domain.services.task_service.TaskService()
