import abc

from common.core.settings import CommonSettings


class Settings(CommonSettings, metaclass=abc.ABCMeta):
    MOUSER_API_KEY: str | None = None
