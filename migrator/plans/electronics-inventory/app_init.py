"""Application factory of the Electronics Inventory backend, on the template's common/."""

import logging
from typing import cast

from flask import Response
from sqlalchemy.orm import Session, sessionmaker

from app.api import api_bp
from app.app import App
from app.config import Settings
from app.container import AppContainer
from common.core.app import configure_database, configure_error_handlers, create_base_app
from common.core.spectree import configure_spectree
from common.database.session import build_engine
from common.health.routes import health_bp
from common.metrics.routes import metrics_bp
from common.sse.routes import sse_bp

logger = logging.getLogger(__name__)

# Modules whose ``Provide[...]`` markers the container resolves.
WIRED_MODULES: list[str] = [
    "app.api.ai_parts",
    "app.api.boxes",
    "app.api.dashboard",
    "app.api.documents",
    "app.api.inventory",
    "app.api.kits",
    "app.api.parts",
    "app.api.pick_lists",
    "app.api.projects",
    "app.api.sellers",
    "app.api.settings",
    "app.api.setup",
    "app.api.shopping_lists",
    "app.api.tasks",
    "app.api.types",
    "app.api.version",
]


def create_app(settings: Settings | None = None, skip_background_services: bool = False) -> App:
    """Build the Flask app, its container and, unless skipped, its background services."""
    settings = settings or Settings()
    logging.basicConfig(level=settings.LOG_LEVEL)

    app = cast(App, create_base_app(settings))
    # Leave room for the multipart envelope around the largest allowed file.
    app.config["MAX_CONTENT_LENGTH"] = settings.MAX_FILE_SIZE + 1024 * 1024
    session_maker = configure_database(app, settings)

    container = create_container(settings, session_maker)
    # keep_cache: a process that wires several containers (tests, tooling) inspects
    # each wired function's signature once instead of on every wire.
    container.wire(modules=WIRED_MODULES, keep_cache=True)
    app.container = container

    app.register_blueprint(health_bp)
    app.register_blueprint(metrics_bp)
    app.register_blueprint(sse_bp)
    app.register_blueprint(api_bp)
    configure_error_handlers(app)
    configure_spectree(app, title="Electronics Inventory API", version=settings.FRONTEND_VERSION)
    app.after_request(add_no_store)

    if not skip_background_services:
        container.task_service().startup()
        container.metrics_service().start_background_updater(settings.METRICS_UPDATE_INTERVAL)

    return app


def create_container(
    settings: Settings, session_maker: "sessionmaker[Session] | None" = None
) -> AppContainer:
    """The service container on ``settings``' database (``create_app`` wires it)."""
    if session_maker is None:
        session_maker = sessionmaker(bind=build_engine(settings))
    # Services hand out objects after the request commits; keep them loaded.
    session_maker.configure(autoflush=True, expire_on_commit=False)

    container = AppContainer()
    container.config.override(settings)
    container.session_maker.override(session_maker)

    # New browser tabs learn the current frontend version as soon as they connect.
    container.connection_manager().register_on_connect(container.version_service().on_connect)
    return container


def add_no_store(response: Response) -> Response:
    """API answers describe live stock; browsers must not cache them."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response
