from ...config import Settings
from ..models import Part
from .base import Base


class TaskService(Base):
    settings: Settings
    part: Part
