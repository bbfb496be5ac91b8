from ...config import Settings
from ...domain.models import Part
from .base import Base


class TaskService(Base):
    settings: Settings
    part: Part
