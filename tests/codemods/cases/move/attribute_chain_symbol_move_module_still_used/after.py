import app.utils.flask_error_handlers
import common.core.app


def create_app(app):
    common.core.app.configure_error_handlers(app)
    return app.utils.flask_error_handlers.handle_not_found
