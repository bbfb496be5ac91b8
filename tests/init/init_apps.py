"""A small Copier template and small apps for the `migrate init` tests (the fixtures that
lay them out are in conftest.py; tests import these names from here, not from `conftest`,
which names a different module depending on which test folder pytest imported first).

The template ("mini") has two flags, `use_cache` (renders lib/cache, adds redis) and
`use_queue` (renders lib/queue, adds pika), a library under `lib/` and app scaffolding
(`app/__init__.py`, `app/settings.py`, and the container at `container_module`, a
question, `app/container.py` by default) that extends the library's settings and
container classes. `BASE_APP` is an app that repeats some of that library
under its own names; each test takes it and changes what it is about.
"""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
if str(TESTS) not in sys.path:  # tests/: the shared tree fingerprints (treehash)
    sys.path.insert(0, str(TESTS))

COPIER_YML = """\
_subdirectory: template
_answers_file: .copier-answers.yml
_skip_if_exists:
  - app/__init__.py
  - app/settings.py
  - "{{ container_path }}"
_exclude:
  - "{% if not use_cache %}lib/cache{% endif %}"
  - "{% if not use_queue %}lib/queue{% endif %}"

project_name:
  type: str
  default: my-service
project_description:
  type: str
  default: A service
use_cache:
  type: bool
  default: false
use_queue:
  type: bool
  default: false
container_module:
  type: str
  default: app.container
container_path:
  type: str
  default: "{{ container_module | replace('.', '/') }}.py"
  when: false
"""

LIFECYCLE = '''\


class Lifecycle:
    def __init__(self, timeout: int) -> None:
        self.timeout = timeout
        self.callbacks: list[Callable[[], None]] = []

    def start(self) -> None:
        return None

    def stop(self) -> None:
        for callback in self.callbacks:
            callback()

    def on_stop(self, callback: Callable[[], None]) -> None:
        self.callbacks.append(callback)

    def is_stopping(self) -> bool:
        return False
'''

HEALTH = '''\
from flask import Blueprint

health_bp = Blueprint("health", __name__, url_prefix="/health")


@health_bp.route("/live")
def live() -> dict[str, str]:
    return {"status": "alive"}


@health_bp.route("/ready")
def ready() -> dict[str, str]:
    return {"status": "ready"}
'''

TEMPLATE_FILES = {
    "copier.yml": COPIER_YML,
    "template/{{ _copier_conf.answers_file }}.jinja": "{{ _copier_answers|to_nice_yaml -}}\n",
    "template/pyproject.toml.jinja": """\
[project]
name = "{{ project_name }}"
description = "{{ project_description }}"
dependencies = [
    "flask>=3",
    "pydantic-settings>=2",
{%- if use_cache %}
    "redis>=5",
{%- endif %}
{%- if use_queue %}
    "pika>=1.3",
{%- endif %}
]
""",
    "template/.gitignore": "__pycache__/\n",
    "template/lib/__init__.py": "",
    "template/lib/core/__init__.py": "",
    "template/lib/core/settings.py": '''\
from pydantic_settings import BaseSettings


class BaseConfig(BaseSettings):
    SECRET_KEY: str = "change-me"
    DEBUG: bool = False
    LOG_LEVEL: str = "INFO"
''',
    "template/lib/core/container.py": '''\
from dependency_injector import containers, providers

from lib.core.lifecycle import Lifecycle


class CoreContainer(containers.DeclarativeContainer):
    config = providers.Dependency()
    lifecycle = providers.Singleton(Lifecycle, timeout=30)
''',
    "template/lib/core/lifecycle.py": LIFECYCLE,
    "template/lib/core/errors.py": '''\
from flask import Flask


def configure_errors(app: Flask) -> None:
    app.register_error_handler(404, lambda error: ({"error": "not found"}, 404))
''',
    "template/lib/web/__init__.py": "",
    "template/lib/web/docs.py": '''\
from flask import Flask


def configure_docs(app: Flask, title: str) -> None:
    app.config["DOCS_TITLE"] = title
''',
    # the prefix through a constant, as a template may write it
    "template/lib/web/health.py": HEALTH.replace(
        'health_bp = Blueprint("health", __name__, url_prefix="/health")',
        'PREFIX = "/health"\nhealth_bp = Blueprint("health", __name__, url_prefix=PREFIX)'),
    # another name for the same class, as a template may offer it
    "template/lib/core/shutdown.py": '''\
from lib.core.lifecycle import Lifecycle

Stopper = Lifecycle

__all__ = ["Stopper"]
''',
    "template/lib/text/__init__.py": "",
    "template/lib/text/words.py": '''\
def slugify(text: str) -> str:
    return "-".join(text.lower().split())


def truncate(text: str, length: int) -> str:
    return text[:length]
''',
    "template/lib/cache/__init__.py": "",
    "template/lib/cache/store.py": '''\
class CacheStore:
    def get(self, key: str) -> str | None:
        return None

    def set(self, key: str, value: str) -> None:
        return None

    def delete(self, key: str) -> None:
        return None
''',
    "template/lib/queue/__init__.py": "",
    "template/lib/queue/client.py": '''\
class QueueClient:
    def publish(self, topic: str, body: bytes) -> None:
        return None

    def consume(self, topic: str) -> bytes:
        return b""
''',
    "template/app/__init__.py.jinja": '''\
"""{{ project_name }}"""

from flask import Flask

from lib.core.errors import configure_errors
from lib.web.docs import configure_docs
from lib.web.health import health_bp


def create_app() -> Flask:
    app = Flask(__name__)
    app.register_blueprint(health_bp)
    configure_docs(app, title="{{ project_name }}")
    configure_errors(app)
    return app
''',
    "template/app/settings.py": '''\
from lib.core.settings import BaseConfig


class Config(BaseConfig):
    """The app's settings."""
''',
    "template/{{ container_path }}.jinja": '''\
from lib.core.container import CoreContainer


class AppContainer(CoreContainer):
    """The app's services."""
''',
}

BASE_APP = {
    "pyproject.toml": """\
[project]
name = "orders-backend"
description = "Orders for the shop"
requires-python = ">=3.11"
dependencies = ["flask>=3", "pydantic-settings>=2", "dependency-injector>=4"]

[tool.ruff]
line-length = 100
""",
    ".gitignore": "__pycache__/\n*.db\n",
    "app/__init__.py": '''\
from flask import Flask

from app.docs import configure_docs
from app.errors import register_errors
from app.web.health import health_bp


def create_app() -> Flask:
    app = Flask(__name__)
    app.register_blueprint(health_bp)
    configure_docs(app)
    register_errors(app)
    return app
''',
    "app/errors.py": '''\
from flask import Flask


def register_errors(app: Flask) -> None:
    app.register_error_handler(404, lambda error: ({"error": "missing"}, 404))
''',
    "app/docs.py": '''\
from flask import Flask


def configure_docs(app: Flask) -> None:
    app.config["DOCS_TITLE"] = "Orders"
''',
    "app/settings.py": '''\
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    SECRET_KEY: str = "change-me"
    DEBUG: bool = False
    LOG_LEVEL: str = "INFO"
    PAGE_SIZE: int = 50
''',
    "app/container.py": '''\
from dependency_injector import containers, providers

from app.lifecycle import Lifecycle
from app.orders import OrderService


class Container(containers.DeclarativeContainer):
    config = providers.Dependency()
    lifecycle = providers.Singleton(Lifecycle, timeout=30)
    order_service = providers.Factory(OrderService)
''',
    "app/lifecycle.py": LIFECYCLE,
    "app/orders.py": '''\
class OrderService:
    def total(self, prices: list[int]) -> int:
        return sum(prices)
''',
    "app/web/__init__.py": "",
    "app/web/health.py": HEALTH,
    "tests/__init__.py": "",
    "tests/test_health.py": '''\
from app.web.health import live


def test_live(client):
    assert client.get("/health/live").status_code == 200
    assert live() == {"status": "alive"}
''',
    "tests/test_orders.py": '''\
from app.lifecycle import Lifecycle
from app.orders import OrderService


def test_total():
    Lifecycle(1).start()
    assert OrderService().total([1, 2]) == 3
''',
}
