"""Prometheus metrics for the inventory."""

import threading

from common.metrics.service import MetricsService as BaseMetricsService


class MetricsService(BaseMetricsService):
    """Collects the app's metrics."""

    def __init__(self, container, shutdown_coordinator):
        """Remember the container."""
        self._container = container
        self._lock = threading.Lock()

    def register_for_polling(self, name, callback):
        self._callbacks[name] = callback

    def update_metrics(self) -> None:
        super().update_metrics()
        self._update_inventory_metrics()

    def shutdown(self):
        self._stop.set()

    def _update_inventory_metrics(self):
        pass
