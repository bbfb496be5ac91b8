from app.utils.flask_error_handlers import register_error_handlers


def configure_error_handlers(app):
    register_error_handlers(app)
