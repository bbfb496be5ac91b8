from app.utils.flask_error_handlers import *  # noqa: F403
from common.core.app import configure_error_handlers as register_error_handlers


def create_app(app):
    register_error_handlers(app)  # noqa: F405
