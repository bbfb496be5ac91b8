class MetricsService:
    """Metrics."""

    def shutdown(self):
        pass
