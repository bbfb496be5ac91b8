from common.core.settings import CommonSettings
from pydantic import Field


class Settings(CommonSettings):
    AI_PROVIDER: str = Field(default="offline")
    MOUSER_API_KEY: str | None = None
