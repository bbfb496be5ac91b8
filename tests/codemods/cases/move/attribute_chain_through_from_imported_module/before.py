from app.utils import flask_error_handlers


def create_app(app):
    flask_error_handlers.register_error_handlers(app)
