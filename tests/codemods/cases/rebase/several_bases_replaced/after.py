from app.mixins import LoggingMixin
from common.core.settings import CommonSettings


class Settings(CommonSettings, LoggingMixin):
    MOUSER_API_KEY: str | None = None
