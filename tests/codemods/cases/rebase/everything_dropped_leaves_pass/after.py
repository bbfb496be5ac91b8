from common.core.settings import CommonSettings


class Settings(CommonSettings):
    pass
