from app.utils.flask_error_handlers import register_error_handlers as install_handlers


def create_app(app):
    install_handlers(app)
