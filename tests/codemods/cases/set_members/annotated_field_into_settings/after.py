from pydantic import Field

from common.core.settings import CommonSettings


class Settings(CommonSettings):
    AI_PROVIDER: str = Field(default="offline")
    MOUSER_API_KEY: str | None = None
