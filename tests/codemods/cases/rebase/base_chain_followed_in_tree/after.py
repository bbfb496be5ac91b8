from common.project.settings import ProjectSettings


class Settings(ProjectSettings):
    DATABASE_URL: str = "sqlite://"
    MOUSER_API_KEY: str | None = None
