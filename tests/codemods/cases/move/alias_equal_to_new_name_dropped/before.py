from app.utils.flask_error_handlers import register_error_handlers as configure_error_handlers


def create_app(app):
    configure_error_handlers(app)
