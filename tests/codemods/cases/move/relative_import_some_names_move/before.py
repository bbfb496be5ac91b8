from .flask_error_handlers import handle_not_found, register_error_handlers


def create(app):
    register_error_handlers(app)
    return handle_not_found
