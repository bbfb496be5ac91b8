class MetricsService:
    """Metrics."""

    def update_metrics(self) -> None:
        """Update all metrics."""
        super().update_metrics()
        self._update_inventory_metrics()

    def shutdown(self):
        pass
