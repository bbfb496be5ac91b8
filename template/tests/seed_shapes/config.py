"""Settings after the migration (the seed's Phase 2.1): app fields on top of CommonSettings."""

from pydantic import Field

from common.core.settings import CommonSettings


class Settings(CommonSettings):
    MOUSER_API_KEY: str | None = Field(default=None)
    OPENAI_API_KEY: str | None = Field(default=None)
    ANTHROPIC_API_KEY: str | None = Field(default=None)
    AI_MODEL: str = Field(default="gpt-4o-mini")
    AI_PROVIDER: str = Field(default="offline")
