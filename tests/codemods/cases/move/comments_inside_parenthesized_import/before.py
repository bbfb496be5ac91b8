from app.utils.flask_error_handlers import (  # error handling
    # handlers the app registers itself
    handle_integrity_error,  # 409
    register_error_handlers,  # wires all of them
    # fallbacks
    handle_not_found,  # 404
)


def create_app(app):
    register_error_handlers(app)
    return handle_integrity_error, handle_not_found
