"""Shared machinery of the template's tests: rendering, loopback servers, the rendered app.

The template is rendered with every feature enabled once per session, before
collection, and that project is put on ``sys.path``: test modules import its
``common`` and ``app`` packages as an application would. Other combinations are
rendered by the tests that need them (``rendering.render``), each once per session.
"""

import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.server import ThreadedMotoServer

from rendering import ALL_FEATURES, render
from sse_gateway import FakeGateway

# Files copied into rendered projects, not tests of this session.
collect_ignore = ["seed_shapes", "app_shapes"]

_render_root = Path(tempfile.mkdtemp(prefix="template-tests-"))
FULL_PROJECT = render(_render_root / "full", ALL_FEATURES)
sys.path.insert(0, str(FULL_PROJECT))


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_render_root, ignore_errors=True)


@pytest.fixture(scope="session")
def full_project() -> Path:
    """The project rendered with every feature enabled (importable in this process)."""
    return FULL_PROJECT


@pytest.fixture(scope="session")
def render_root() -> Path:
    """Folder for the session's renders (removed at the end of the session)."""
    return _render_root


@pytest.fixture
def make_settings(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Build the rendered app's Settings from overrides, ignoring ``.env`` and the environment."""
    from pydantic_settings import SettingsConfigDict

    from app.config import Settings

    for name in Settings.model_fields:
        monkeypatch.delenv(name, raising=False)

    class IsolatedSettings(Settings):
        model_config = SettingsConfigDict(env_file=None, extra="ignore")

    def build(**overrides: Any) -> Settings:
        return IsolatedSettings(**overrides)

    return build


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """moto's S3 API in server mode on a free loopback port; yields the endpoint URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    """A fake SSE Gateway speaking the gateway's HTTP protocol on a loopback port."""
    with FakeGateway() as fake:
        yield fake


@pytest.fixture
def app_settings(make_settings: Any) -> Any:
    """Settings for an in-memory database and the loopback services."""
    from sqlalchemy.pool import StaticPool

    return make_settings(
        FLASK_ENV="testing",
        DATABASE_URL="sqlite://",
        SQLALCHEMY_ENGINE_OPTIONS={
            "poolclass": StaticPool,
            "connect_args": {"check_same_thread": False},
        },
        DRAIN_AUTH_KEY="drain-key",
        SSE_CALLBACK_SECRET="callback-secret",
    )


@pytest.fixture
def app(app_settings: Any) -> Iterator[Any]:
    """The rendered project's own ``create_app``, background threads off."""
    from app import create_app

    application = create_app(app_settings, skip_background_services=True)
    yield application
    application.container.task_service().shutdown()
    application.extensions["sqlalchemy_engine"].dispose()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()
