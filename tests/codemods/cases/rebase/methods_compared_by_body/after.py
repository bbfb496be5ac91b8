from common.core.settings import CommonSettings


class Settings(CommonSettings):
    @property
    def is_testing(self) -> bool:
        return self.FLASK_ENV in ("testing", "test")

    def database_label(self) -> str:
        return "inventory database"

    def describe(self, verbose: bool = True) -> str:
        return self.FLASK_ENV
