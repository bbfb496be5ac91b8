"""Application settings."""

from pydantic import Field

from common.core.settings import CommonSettings


class Settings(CommonSettings):
    """Every setting the app reads from the environment."""

    # Database
    DATABASE_URL: str = "sqlite:///electronics_inventory.db"

    # Storage
    S3_BUCKET_NAME: str = "electronics-inventory"

    # App-specific
    MOUSER_API_KEY: str | None = Field(default=None)
    OPENAI_API_KEY: str | None = Field(default=None)
    AI_MODEL: str = Field(default="gpt-4o-mini")

    @property
    def uses_ai(self) -> bool:
        return self.OPENAI_API_KEY is not None
