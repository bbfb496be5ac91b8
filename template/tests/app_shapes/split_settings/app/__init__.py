"""create_app of an app with split settings, Flask-SQLAlchemy and OIDC."""

from app.api import api_bp
from app.config import Settings
from app.exceptions import RecordNotFoundException
from app.extensions import db
from app.services.container import ServiceContainer
from common.auth.guard import protect_blueprint
from common.core.app import App, configure_database, configure_error_handlers, create_base_app
from common.core.errors import ErrorMapping
from common.health.routes import health_bp, register_health_check
from common.metrics.routes import metrics_bp

protect_blueprint(api_bp, admin_roles=["admin"])


def create_app(settings: Settings | None = None, skip_background_services: bool = False) -> App:
    settings = settings or Settings.load()
    app = create_base_app(settings)
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.database_url
    db.init_app(app)
    with app.app_context():
        session_maker = configure_database(app, settings, engine=db.engine)

    container = ServiceContainer()
    container.config.override(settings)
    container.session_maker.override(session_maker)
    app.container = container

    app.register_blueprint(health_bp, readiness_alias="/api/health")
    app.register_blueprint(metrics_bp)
    app.register_blueprint(api_bp, url_prefix="/api")
    errors = configure_error_handlers(app)
    errors.register(RecordNotFoundException, ErrorMapping(404, code="RECORD_NOT_FOUND"))
    register_health_check(app, "mqtt", lambda: container.mqtt_service().is_connected())
    container.lifecycle_coordinator().fire_startup()
    return app
