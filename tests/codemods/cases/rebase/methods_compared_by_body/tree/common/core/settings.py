from pydantic_settings import BaseSettings


class CommonSettings(BaseSettings):
    FLASK_ENV: str = "development"

    @property
    def is_production(self) -> bool:
        """True when running with ``FLASK_ENV=production``."""
        return self.FLASK_ENV == "production"

    @property
    def is_testing(self) -> bool:
        return self.FLASK_ENV == "testing"

    def database_label(self) -> str:
        return "database"

    def describe(self, verbose: bool = False) -> str:
        return self.FLASK_ENV
