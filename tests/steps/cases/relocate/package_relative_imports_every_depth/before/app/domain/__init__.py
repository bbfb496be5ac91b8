from .services import TaskService

__all__ = ["TaskService"]
