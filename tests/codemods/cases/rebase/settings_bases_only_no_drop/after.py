"""Application settings."""

from typing import Any

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from common.core.settings import CommonSettings


class Settings(CommonSettings):
    """Every setting the app reads from the environment."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Flask
    SECRET_KEY: str = "dev-secret-key-change-me"
    FLASK_ENV: str = "development"

    # Database
    DATABASE_URL: str = "sqlite:///electronics_inventory.db"
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = Field(default_factory=dict)

    # Storage
    S3_BUCKET_NAME: str = "electronics-inventory"

    # App-specific
    MOUSER_API_KEY: str | None = Field(default=None)
    OPENAI_API_KEY: str | None = Field(default=None)
    AI_MODEL: str = Field(default="gpt-4o-mini")

    @property
    def is_production(self) -> bool:
        return self.FLASK_ENV == "production"

    @property
    def uses_ai(self) -> bool:
        return self.OPENAI_API_KEY is not None
