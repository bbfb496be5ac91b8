"""The app's metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from common.metrics.service import MetricsService as BaseMetricsService

if TYPE_CHECKING:
    from app.container import AppContainer


class MetricsService(BaseMetricsService):
    def __init__(self, container: AppContainer) -> None:
        self.container = container
