"""OpenAPI documentation and request validation with SpecTree.

Route modules decorate their views with ``@api.validate(...)`` at import time;
the app factory then calls :func:`configure_spectree` to name the API and serve
the docs at ``/api/docs``.
"""

from flask import Flask
from spectree import SpecTree

api = SpecTree("flask", path="api/docs", validation_error_status=400)


def configure_spectree(app: Flask, title: str, version: str) -> SpecTree:
    """Register the shared :data:`api` on ``app`` under ``title`` and ``version``."""
    api.config.title = title
    api.config.version = version
    api.register(app)
    return api
