from common.core.settings import CommonSettings


class Settings(CommonSettings):
    # another default, another type, or no type where the base has one: kept
    GRACEFUL_SHUTDOWN_TIMEOUT: int = 30
    DATABASE_URL: str = "sqlite:///inventory.db"
    DRAIN_AUTH_KEY: str = ""
    TASK_MAX_WORKERS = 4

    MOUSER_API_KEY: str | None = None
