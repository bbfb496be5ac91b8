"""Domain services."""

from ...domain.models import Part
from .task_service import TaskService

__all__ = ["Part", "TaskService"]
