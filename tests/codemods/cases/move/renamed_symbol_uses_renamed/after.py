from flask import Flask

from common.core.app import configure_error_handlers


def create_app() -> Flask:
    app = Flask(__name__)
    configure_error_handlers(app)
    return app


HANDLERS = [configure_error_handlers]
