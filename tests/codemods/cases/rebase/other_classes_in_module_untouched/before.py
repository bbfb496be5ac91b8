from pydantic_settings import BaseSettings


class OtherSettings(BaseSettings):
    SECRET_KEY: str = "x"


class Settings(BaseSettings):
    SECRET_KEY: str = "dev-secret-key-change-me"
    MOUSER_API_KEY: str | None = None
