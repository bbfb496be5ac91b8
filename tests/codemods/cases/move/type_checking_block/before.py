from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.s3_service import S3Service
    from app.services.task_service import TaskService


def use(s3: S3Service, tasks: TaskService) -> None:
    pass
