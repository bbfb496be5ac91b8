from common.core.settings import CommonSettings


class ProjectSettings(CommonSettings):
    PROJECT_NAME: str = "x"
