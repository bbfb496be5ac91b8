from app.utils.flask_error_handlers import handle_integrity_error
from common.core.app import configure_error_handlers


def create_app(app):
    configure_error_handlers(app)
    return handle_integrity_error
