from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    SECRET_KEY: str = "dev-secret-key-change-me"
    PORT: int = 5000
    CORS_ORIGINS: list[str] = ["http://localhost:3000"]
    GRACEFUL_SHUTDOWN_TIMEOUT: int = 600
    DATABASE_URL: str = "sqlite:///app.db"
    DRAIN_AUTH_KEY: str | None = None
    S3_REGION: str = Field(default="us-east-1", description="Region of the bucket")
    TASK_MAX_WORKERS: int = 4
