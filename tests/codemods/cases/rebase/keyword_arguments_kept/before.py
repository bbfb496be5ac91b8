import abc

from pydantic_settings import BaseSettings


class Settings(BaseSettings, metaclass=abc.ABCMeta):
    MOUSER_API_KEY: str | None = None
