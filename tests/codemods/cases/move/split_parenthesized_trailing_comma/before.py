from app.utils.flask_error_handlers import (
    handle_integrity_error,
    register_error_handlers,
    handle_not_found,
)


def create_app(app):
    register_error_handlers(app)
    return handle_integrity_error, handle_not_found
