from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    SECRET_KEY: str = "x"
    DATABASE_URL: str = "sqlite://"
    MOUSER_API_KEY: str | None = None
