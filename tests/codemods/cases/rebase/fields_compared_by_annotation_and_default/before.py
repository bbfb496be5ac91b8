from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    # written another way, the same code: dropped
    model_config = SettingsConfigDict(env_file='.env', extra='ignore')
    SECRET_KEY: str = 'dev-secret-key-change-me'  # quotes differ
    PORT: int = (5000)
    CORS_ORIGINS: list[str] = [
        "http://localhost:3000",
    ]
    S3_REGION: str = Field(
        default="us-east-1",
        description="Region of the bucket",
    )

    # another default, another type, or no type where the base has one: kept
    GRACEFUL_SHUTDOWN_TIMEOUT: int = 30
    DATABASE_URL: str = "sqlite:///inventory.db"
    DRAIN_AUTH_KEY: str = ""
    TASK_MAX_WORKERS = 4

    MOUSER_API_KEY: str | None = None
