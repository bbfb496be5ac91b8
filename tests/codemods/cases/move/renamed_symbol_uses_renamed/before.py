from flask import Flask

from app.utils.flask_error_handlers import register_error_handlers


def create_app() -> Flask:
    app = Flask(__name__)
    register_error_handlers(app)
    return app


HANDLERS = [register_error_handlers]
