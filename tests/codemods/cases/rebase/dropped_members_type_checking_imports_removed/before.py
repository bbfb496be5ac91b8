"""The app's metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.container import AppContainer


class MetricsService:
    def __init__(self, container: AppContainer) -> None:
        self.container = container

    def register_for_polling(self, name: str, callback: Callable[[], None]) -> None:
        self._callbacks[name] = callback
