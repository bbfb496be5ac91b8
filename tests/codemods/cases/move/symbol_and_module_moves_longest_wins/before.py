import app.utils.flask_error_handlers as handlers
from app.utils.flask_error_handlers import register_error_handlers, handle_not_found


def create(app):
    handlers.register_error_handlers(app)
    register_error_handlers(app)
    return handlers.handle_not_found, handle_not_found
