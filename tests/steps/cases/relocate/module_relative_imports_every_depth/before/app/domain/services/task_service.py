"""Runs background tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import base_task
from .base_task import BaseTask
from .. import models
from ..models import Part  # the parts a task works on
from ... import errors
from ...config import Settings
from .clock import (
    now,  # injected in tests
)
from app.domain.services.base_task import helper as absolute_helper

if TYPE_CHECKING:
    from ..models import Box


class TaskService(BaseTask):
    def run(self, settings: Settings) -> Part:
        from .base_task import helper

        if not isinstance(settings, Settings):
            raise errors.AppError(now())
        return models.Part() if helper() == absolute_helper() else Part()

    def box(self) -> "Box":
        return base_task.BaseTask()
