"""CommonSettings of the rendered ``common/core/settings``, checked against the contract.

The table is docs/common-api.md's "Settings: the infrastructure fields", with the
project rendered as ``demo-service``.
"""

import shutil
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field
from pydantic_core import PydanticUndefined

from common.core.settings import CommonSettings

CONTRACT_FIELDS: dict[str, tuple[Any, Any]] = {
    "SECRET_KEY": (str, "dev-secret-key-change-me"),
    "FLASK_ENV": (str, "development"),
    "DEBUG": (bool, False),
    "LOG_LEVEL": (str, "INFO"),
    "HOST": (str, "0.0.0.0"),
    "PORT": (int, 5000),
    "CORS_ORIGINS": (list[str], ["http://localhost:3000"]),
    "GRACEFUL_SHUTDOWN_TIMEOUT": (int, 600),
    "METRICS_UPDATE_INTERVAL": (int, 60),
    "METRICS_INITIAL_DELAY_SECONDS": (int, 0),
    "TASK_MAX_WORKERS": (int, 4),
    "TASK_TIMEOUT_SECONDS": (int, 300),
    "TASK_CLEANUP_INTERVAL_SECONDS": (int, 600),
    "DATABASE_URL": (str, "sqlite:///demo_service.db"),
    "SQLALCHEMY_ECHO": (bool, False),
    "SQLALCHEMY_ENGINE_OPTIONS": (dict[str, Any], {}),
    "DB_POOL_SIZE": (int, 20),
    "DB_POOL_MAX_OVERFLOW": (int, 30),
    "DB_POOL_TIMEOUT": (int, 10),
    "DRAIN_AUTH_KEY": (str | None, None),
    "S3_ENDPOINT_URL": (str | None, None),
    "S3_ACCESS_KEY_ID": (str | None, None),
    "S3_SECRET_ACCESS_KEY": (str | None, None),
    "S3_BUCKET_NAME": (str, "demo-service"),
    "S3_REGION": (str, "us-east-1"),
    "S3_USE_SSL": (bool, False),
    "SSE_GATEWAY_URL": (str, "http://localhost:3001"),
    "SSE_CALLBACK_SECRET": (str | None, None),
    "OIDC_ENABLED": (bool, True),
    "OIDC_ISSUER_URL": (str | None, None),
    "OIDC_AUDIENCE": (str | None, None),
    "OIDC_JWKS_URL": (str | None, None),
    "OIDC_CLOCK_SKEW_SECONDS": (int, 30),
    "OIDC_CLIENT_ID": (str | None, None),
    "OIDC_CLIENT_SECRET": (str | None, None),
    "OIDC_SCOPES": (str, "openid profile email"),
    "OIDC_TOKEN_URL": (str | None, None),
    "OIDC_TOKEN_SOURCES": (list[str], ["cookie", "bearer"]),
    "OIDC_COOKIE_NAME": (str, "access_token"),
    "OIDC_REFRESH_COOKIE_NAME": (str, "refresh_token"),
    "OIDC_COOKIE_SECURE": (bool, True),
    "OIDC_COOKIE_SAMESITE": (str, "Lax"),
}


def default_of(name: str) -> Any:
    field = CommonSettings.model_fields[name]
    if field.default_factory is not None:
        return field.default_factory()  # type: ignore[call-arg]
    assert field.default is not PydanticUndefined
    return field.default


def test_fields_are_exactly_the_contract() -> None:
    assert set(CommonSettings.model_fields) == set(CONTRACT_FIELDS)


@pytest.mark.parametrize("name", sorted(CONTRACT_FIELDS))
def test_field_type_and_default(name: str) -> None:
    expected_type, expected_default = CONTRACT_FIELDS[name]
    assert CommonSettings.model_fields[name].annotation == expected_type
    assert default_of(name) == expected_default


def test_engine_options_default_is_not_shared() -> None:
    assert CommonSettings.model_fields["SQLALCHEMY_ENGINE_OPTIONS"].default_factory is dict


def test_model_config_reads_dotenv_and_ignores_unknown_variables() -> None:
    assert CommonSettings.model_config["env_file"] == ".env"
    assert CommonSettings.model_config["extra"] == "ignore"


@pytest.mark.parametrize(
    ("flask_env", "production", "testing"),
    [("production", True, False), ("testing", False, True), ("development", False, False)],
)
def test_environment_properties(
    make_settings: Any, flask_env: str, production: bool, testing: bool
) -> None:
    settings = make_settings(FLASK_ENV=flask_env)
    assert settings.is_production is production
    assert settings.is_testing is testing


def test_environment_variables_override_defaults(
    make_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("S3_USE_SSL", "true")
    monkeypatch.setenv("SQLALCHEMY_ENGINE_OPTIONS", '{"pool_recycle": 300}')
    settings = make_settings()
    assert settings.PORT == 8123
    assert settings.S3_USE_SSL is True
    assert settings.SQLALCHEMY_ENGINE_OPTIONS == {"pool_recycle": 300}


def test_application_settings_extend_common_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The seed's Phase 2.1 shape: app fields on top, read from .env like the rest."""

    class Settings(CommonSettings):
        MOUSER_API_KEY: str | None = Field(default=None)
        AI_MODEL: str = Field(default="gpt-4o-mini")

    for name in Settings.model_fields:
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".env").write_text("MOUSER_API_KEY=abc\nPORT=7000\nUNRELATED=1\n")
    monkeypatch.chdir(tmp_path)

    settings = Settings()
    assert settings.MOUSER_API_KEY == "abc"
    assert settings.AI_MODEL == "gpt-4o-mini"
    assert settings.PORT == 7000
    assert isinstance(settings, CommonSettings)


def test_env_example_lists_every_field_with_a_comment(full_project: Path) -> None:
    lines = (full_project / ".env.example").read_text().splitlines()
    variables: dict[str, str] = {}
    for index, line in enumerate(lines):
        if line and not line.startswith("#"):
            name = line.split("=", 1)[0]
            variables[name] = lines[index - 1]
    assert set(variables) == set(CONTRACT_FIELDS)
    assert all(comment.startswith("# ") for comment in variables.values())


def test_env_example_is_a_valid_env_file(
    full_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in CONTRACT_FIELDS:
        monkeypatch.delenv(name, raising=False)
    shutil.copy(full_project / ".env.example", tmp_path / ".env")
    monkeypatch.chdir(tmp_path)
    settings = CommonSettings()
    assert settings.DATABASE_URL == "sqlite:///demo_service.db"
    assert settings.SQLALCHEMY_ENGINE_OPTIONS == {}
    assert settings.S3_BUCKET_NAME == "demo-service"
