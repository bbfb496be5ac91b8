from common.core.settings import CommonSettings


class Settings(CommonSettings):
    MOUSER_API_KEY: str | None = None
