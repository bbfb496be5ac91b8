"""Settings in two parts: the environment (UPPER_CASE) and the model the app reads."""

from pydantic import BaseModel
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(BaseSettings):
    """Variables read from the environment and ``.env``."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    FLASK_ENV: str = "development"
    DATABASE_URL: str = "sqlite:///devices.db"
    GRACEFUL_SHUTDOWN_TIMEOUT: int = 30
    OIDC_ENABLED: bool = True
    OIDC_ISSUER_URL: str | None = None
    OIDC_AUDIENCE: str | None = None
    OIDC_CLOCK_SKEW_SECONDS: int = 30
    MQTT_URL: str = "mqtt://localhost:1883"


class Settings(BaseModel):
    """What the application reads, as ``settings.database_url``."""

    flask_env: str
    database_url: str
    graceful_shutdown_timeout: int
    oidc_enabled: bool
    oidc_issuer_url: str | None
    oidc_audience: str | None
    oidc_leeway: int
    oidc_cookie_secure: bool = True
    mqtt_url: str

    @classmethod
    def load(cls, env: Environment | None = None) -> "Settings":
        env = env or Environment()
        return cls(
            flask_env=env.FLASK_ENV,
            database_url=env.DATABASE_URL,
            graceful_shutdown_timeout=env.GRACEFUL_SHUTDOWN_TIMEOUT,
            oidc_enabled=env.OIDC_ENABLED,
            oidc_issuer_url=env.OIDC_ISSUER_URL,
            oidc_audience=env.OIDC_AUDIENCE,
            oidc_leeway=env.OIDC_CLOCK_SKEW_SECONDS,
            mqtt_url=env.MQTT_URL,
        )
