"""The blueprints the app registers."""

from app.api import parts
from common.health import routes as health
from common.metrics import routes as metrics

__all__ = ["health", "metrics", "parts"]

BLUEPRINTS = [health.health_bp, metrics.metrics_bp, parts.parts_bp]
