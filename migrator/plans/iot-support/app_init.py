"""Application factory of the IoT Support backend, on the template's common/."""

from typing import cast

from app.api import api_bp
from app.app import App
from app.config import Settings
from app.extensions import db
from app.services.container import AppContainer
from app.utils.error_handling import register_error_mappings
from app.utils.spectree_config import configure_spectree
from common.core.app import configure_database, configure_error_handlers, create_base_app
from common.health.routes import health_bp, register_health_check
from common.metrics.routes import metrics_bp

# Modules whose ``Provide[...]`` markers the container resolves.
WIRED_MODULES: list[str] = [
    "app.api.auth",
    "app.api.coredumps",
    "app.api.device_models",
    "app.api.devices",
    "app.api.images",
    "app.api.iot",
    "app.api.pipeline",
    "app.api.rotation",
    "app.api.testing",
]


def create_app(settings: Settings | None = None) -> App:
    """Build the Flask app and its container, and start the background services."""
    settings = settings if settings is not None else Settings.load()
    if settings.is_production:
        settings.validate_production_config()

    # The frontend sends the auth cookies cross-origin.
    app = cast(App, create_base_app(settings, cors_options={"supports_credentials": True}))
    app.config.update(settings.to_flask_config().model_dump())
    db.init_app(app)
    configure_spectree(app)
    with app.app_context():
        session_maker = configure_database(app, settings, engine=db.engine)
    # Services hand out objects after the request commits; keep them loaded.
    session_maker.configure(autoflush=True, expire_on_commit=False)

    container = AppContainer()
    container.config.override(settings)
    container.session_maker.override(session_maker)
    # keep_cache: a process that wires several containers (tests, tooling) inspects
    # each wired function's signature once instead of on every wire.
    container.wire(modules=WIRED_MODULES, keep_cache=True)
    app.container = container

    app.register_blueprint(health_bp, readiness_alias="/api/health")
    app.register_blueprint(metrics_bp)
    app.register_blueprint(api_bp)
    configure_error_handlers(app)
    register_error_mappings(app)
    register_health_check(app, "mqtt", lambda: container.mqtt_service().is_healthy())

    # The log sink subscribes to MQTT on STARTUP; create it before startup fires.
    container.logsink_service()
    container.lifecycle_coordinator().fire_startup()
    return app
