from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    FLASK_ENV: str = "development"

    @property
    def is_production(self) -> bool:
        """Whether the app runs with production settings (another docstring: same body)."""
        # a comment is not code
        return self.FLASK_ENV == "production"

    @property
    def is_testing(self) -> bool:
        return self.FLASK_ENV in ("testing", "test")

    def database_label(self) -> str:
        return "inventory database"

    def describe(self, verbose: bool = True) -> str:
        return self.FLASK_ENV
