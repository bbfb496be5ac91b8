from app.utils.flask_error_handlers import handle_not_found
from common.core.app import configure_error_handlers


def create_app(app):
    configure_error_handlers(app)
    app.register_error_handler(404, handle_not_found)
