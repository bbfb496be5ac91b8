from common.core.app import configure_error_handlers

from .flask_error_handlers import handle_not_found


def create(app):
    configure_error_handlers(app)
    return handle_not_found
