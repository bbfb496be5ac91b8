from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    LEGACY_FLAG: bool = False
    MOUSER_API_KEY: str | None = None
