class MetricsService:
    pass
