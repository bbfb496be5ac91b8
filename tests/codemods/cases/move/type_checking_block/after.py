from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from common.storage.s3_service import S3Service
    from common.tasks.service import TaskService


def use(s3: S3Service, tasks: TaskService) -> None:
    pass
