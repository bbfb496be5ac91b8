from flask import Flask

from app.api import api_bp
from common.sse.routes import sse_bp


def create_app() -> Flask:
    app = Flask(__name__)
    app.register_blueprint(api_bp, url_prefix="/api")
    app.register_blueprint(sse_bp, url_prefix="/api/sse")
    register_blueprint(sse_bp, url_prefix="/old")
    app.register_blueprints(sse_bp)
    return app


def register_blueprint(bp, url_prefix):
    return bp, url_prefix
