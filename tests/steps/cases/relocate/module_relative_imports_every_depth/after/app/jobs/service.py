"""Runs background tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.services import base_task
from ..domain.services.base_task import BaseTask
from ..domain import models
from ..domain.models import Part  # the parts a task works on
from .. import errors
from ..config import Settings
from ..domain.services.clock import (
    now,  # injected in tests
)
from app.domain.services.base_task import helper as absolute_helper

if TYPE_CHECKING:
    from ..domain.models import Box


class TaskService(BaseTask):
    def run(self, settings: Settings) -> Part:
        from ..domain.services.base_task import helper

        if not isinstance(settings, Settings):
            raise errors.AppError(now())
        return models.Part() if helper() == absolute_helper() else Part()

    def box(self) -> "Box":
        return base_task.BaseTask()
