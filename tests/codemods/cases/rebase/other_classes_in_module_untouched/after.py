from pydantic_settings import BaseSettings

from common.core.settings import CommonSettings


class OtherSettings(BaseSettings):
    SECRET_KEY: str = "x"


class Settings(CommonSettings):
    MOUSER_API_KEY: str | None = None
