from app.core.services import TaskService

__all__ = ["TaskService"]
