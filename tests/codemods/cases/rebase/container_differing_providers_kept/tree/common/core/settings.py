"""Settings every project shares."""

from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    SECRET_KEY: str = "dev-secret-key-change-me"
    FLASK_ENV: str = "development"
    DATABASE_URL: str = "sqlite:///app.db"
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = Field(default_factory=dict)
    S3_BUCKET_NAME: str = "app"
    DRAIN_AUTH_KEY: str | None = None

    @property
    def is_production(self) -> bool:
        return self.FLASK_ENV == "production"
