from app.mixins import LoggingMixin
from pydantic_settings import BaseSettings


class Settings(LoggingMixin, BaseSettings):
    MOUSER_API_KEY: str | None = None
