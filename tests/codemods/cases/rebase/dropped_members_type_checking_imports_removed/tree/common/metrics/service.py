from collections.abc import Callable


class MetricsService:
    def register_for_polling(self, name: str, callback: Callable[[], None]) -> None:
        self._callbacks[name] = callback
