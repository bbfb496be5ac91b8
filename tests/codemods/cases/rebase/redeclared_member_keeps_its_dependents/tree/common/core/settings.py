from pydantic_settings import BaseSettings


class CommonSettings(BaseSettings):
    GRACEFUL_SHUTDOWN_TIMEOUT: int = 600
