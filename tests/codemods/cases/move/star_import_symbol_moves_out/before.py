from app.utils.flask_error_handlers import *  # noqa: F403


def create_app(app):
    register_error_handlers(app)  # noqa: F405
