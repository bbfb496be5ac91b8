from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    SECRET_KEY: str = "x"
    FLASK_ENV: str = "development"
