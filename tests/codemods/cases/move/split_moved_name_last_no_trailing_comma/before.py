from app.utils.flask_error_handlers import (
    handle_integrity_error,
    register_error_handlers
)


def create_app(app):
    register_error_handlers(app)
    return handle_integrity_error
