from common.metrics.service import MetricsService as BaseMetricsService


class MetricsService(BaseMetricsService):
    def __init__(self, container, shutdown_coordinator):
        super().__init__(container.config(), shutdown_coordinator)
        self._container = container
