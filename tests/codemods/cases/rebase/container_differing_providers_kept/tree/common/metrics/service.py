class MetricsService:
    def __init__(self, settings, shutdown_coordinator):
        self.settings = settings

    def register_for_polling(self, name, callback):
        pass

    def start_background_updater(self, interval_seconds=None):
        pass

    def update_metrics(self):
        pass

    def shutdown(self):
        pass
