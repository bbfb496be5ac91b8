"""create_app after the migration (the seed's Phase 2.3)."""

from flask import Blueprint

from app.config import Settings
from app.container import AppContainer
from common.core.app import App, configure_database, configure_error_handlers, create_base_app
from common.core.spectree import configure_spectree
from common.health.routes import health_bp
from common.metrics.routes import metrics_bp
from common.sse.routes import sse_bp

api_bp = Blueprint("api", __name__)


def create_app(settings: Settings | None = None, skip_background_services: bool = False) -> App:
    settings = settings or Settings()

    # Create base app with common configuration
    app = create_base_app(settings)

    # Configure database (template helper)
    session_maker = configure_database(app, settings)

    # Create and wire container
    container = AppContainer()
    container.config.override(settings)
    container.session_maker.override(session_maker)
    container.wire(packages=["app.api"])
    app.container = container
    configure_spectree(app, title="Electronics Inventory", version="1.0.0")

    # Register blueprints
    app.register_blueprint(health_bp)
    app.register_blueprint(metrics_bp)
    app.register_blueprint(sse_bp, url_prefix="/api/sse")
    app.register_blueprint(api_bp, url_prefix="/api")  # App-specific

    # Configure error handlers (template helper)
    configure_error_handlers(app)

    if not skip_background_services:
        container.metrics_service().start_background_updater()

    return app
