"""The env-example check imports the settings class (with inherited fields) in a subprocess."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from migrator.verify.env_example import EnvExampleCheck

TREE = {
    "common/__init__.py": "",
    "common/core/__init__.py": "",
    "common/core/settings.py": (
        "from pydantic_settings import BaseSettings\n\n"
        "class CommonSettings(BaseSettings):\n"
        "    secret_key: str = 'dev'\n"
        "    database_url: str = 'sqlite://'\n"
        "    drain_auth_key: str | None = None\n"
    ),
    "app/__init__.py": "",
    "app/config.py": (
        "from pydantic import Field\n"
        "from common.core.settings import CommonSettings\n\n"
        "class Settings(CommonSettings):\n"
        "    mouser_api_key: str = ''\n"
        "    openai_model: str = Field('gpt', alias='OPENAI_MODEL_NAME')\n"
    ),
}


def check(**values):
    return EnvExampleCheck.model_validate({"name": "env", "settings": "app.config.Settings", **values})


def write(root, files):
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def test_every_field_including_inherited_ones_must_appear(tmp_path, ctx):
    write(tmp_path, {**TREE, ".env.example": "SECRET_KEY=x\nDATABASE_URL=sqlite://\n# MOUSER_API_KEY=\n"})
    result = check().run(ctx(tmp_path))
    assert not result.passed
    assert result.summary == "2 of 5 settings field(s) missing from .env.example"
    assert result.evidence == ["drain_auth_key (field drain_auth_key)", "OPENAI_MODEL_NAME (field openai_model)"]


def test_passes_when_all_are_there(tmp_path, ctx):
    write(tmp_path, {**TREE, ".env.example": (
        "SECRET_KEY=x\nDATABASE_URL=\nDRAIN_AUTH_KEY=\n# MOUSER_API_KEY=\nexport OPENAI_MODEL_NAME=gpt\n"
    )})
    result = check().run(ctx(tmp_path))
    assert result.passed, result.evidence
    assert result.summary == "all 5 settings field(s) of app.config.Settings in .env.example"


def test_env_prefix_is_applied(tmp_path, ctx):
    write(tmp_path, {
        "settings.py": (
            "from pydantic_settings import BaseSettings, SettingsConfigDict\n"
            "class S(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix='APP_')\n    port: int = 1\n"
        ),
        ".env.example": "PORT=1\n",
    })
    result = check(settings="settings.S").run(ctx(tmp_path))
    assert result.evidence == ["APP_port (field port)"]


def test_import_failure_shows_the_error(tmp_path, ctx):
    write(tmp_path, {"app/__init__.py": "", "app/config.py": "raise RuntimeError('SECRET_KEY required')\n",
                     ".env.example": ""})
    result = check().run(ctx(tmp_path))
    assert not result.passed
    assert result.summary == "importing app.config.Settings failed"
    assert result.evidence[-1] == "RuntimeError: SECRET_KEY required"


def test_missing_file_and_bad_class_path(tmp_path, ctx):
    write(tmp_path, TREE)
    assert check().run(ctx(tmp_path)).summary == ".env.example does not exist"
    with pytest.raises(ValidationError, match="not a dotted class path"):
        check(settings="Settings")


def test_a_src_layout_settings_class_is_imported_from_src(tmp_path, ctx):
    write(tmp_path, {**{f"src/{k}" if k.startswith("app/") else k: v for k, v in TREE.items()},
                     ".env.example": ("SECRET_KEY=x\nDATABASE_URL=\nDRAIN_AUTH_KEY=\n"
                                      "MOUSER_API_KEY=\nOPENAI_MODEL_NAME=gpt\n")})
    result = check().run(ctx(tmp_path))
    assert result.passed, (result.summary, result.evidence)
