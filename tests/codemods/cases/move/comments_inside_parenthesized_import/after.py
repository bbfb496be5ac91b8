from app.utils.flask_error_handlers import (  # error handling
    # handlers the app registers itself
    handle_integrity_error,  # 409
    # fallbacks
    handle_not_found,  # 404
)
from common.core.app import configure_error_handlers  # wires all of them


def create_app(app):
    configure_error_handlers(app)
    return handle_integrity_error, handle_not_found
