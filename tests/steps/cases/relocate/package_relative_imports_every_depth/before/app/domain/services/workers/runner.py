from ....config import Settings
from ...models import Part
from ..task_service import TaskService
from . import __name__ as package_name


def run(settings: Settings) -> tuple[TaskService, Part, str]:
    return TaskService(), Part(), package_name
