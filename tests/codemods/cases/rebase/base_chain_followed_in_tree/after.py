from common.project.settings import ProjectSettings


class Settings(ProjectSettings):
    MOUSER_API_KEY: str | None = None
