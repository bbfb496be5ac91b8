from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    SECRET_KEY: str = "dev-secret-key-change-me"
    DATABASE_URL: str = "sqlite://"
    MOUSER_API_KEY: str | None = None
